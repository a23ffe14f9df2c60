"""Upload bombs against gunicorn: how fast each is answered and whether the others are served.

    .venv/bin/python -m bench.upload_bombs
    .venv/bin/python -m bench --only bombs        # the same, from the bench runner
    .venv/bin/python -m bench.upload_bombs --root /tmp/tagar-old --repeat 1

A temporary SQLite demo database (`flask db upgrade`, `flask seed-demo`) behind gunicorn, two
workers, `--no-control-socket`. An OPD officer (`dinkes`) and the secretariat (`sekretariat`)
log in through the login form (CSRF is on) and each import page gets two hostile files at once,
in three rounds: the issue's 600 MB of empty rows compressed to 900 KB together with a
sheet whose last row is row 1,048,576; then a sheet whose `<dimension>` claims A1:XFD1048576
(it holds two rows and must be read as two rows) together with a row of a million cells (13 MB
of XML, 2.4 MB zipped); then 700,000 distinct texts (shared strings) together with a styles part
of 4.6 MB. Meanwhile a third client times `GET /login` every 50 ms. Printed: each
upload's answer time and message, the slowest `/login` during the bombs, and each worker's peak
resident memory (VmHWM) after a warm-up of genuine uploads and after the bombs. `--root` serves
another checkout instead (`git archive HEAD | tar -x -C /tmp/tagar-old`), to compare.
"""
import argparse
import http.client
import io
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from bench.common import BENCH_NOW
from bench.load import ROOT, free_port, inputs, start_gunicorn

DEMO_PASSWORD = "demo-tagar-2026"
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SIPD_HEADER = ["kode_program", "nama_program", "kode_giat", "nama_giat", "kode_sub_giat",
               "nama_sub_giat", "pagu", "pagumurni", "nama_dana", "indikator", "target",
               "satuan", "lokasi"]
SIPD_ROW = ["1.06.05", "Program Perlindungan Sosial", "1.06.05.2.02", "Pengelolaan Data",
            "1.06.05.2.02.0001", "Sub kegiatan bom", "150000000", "150000000", "DAU",
            "Jumlah KK", "120", "KK", "Kabupaten"]
LOKUS_HEADER, LOKUS_ROW = ["Kode Desa", "Desil"], ["0.00.00.0000", "1"]
# What the pages say when they refuse a file, or when they read it.
MESSAGES = ("melebihi batas", "mengembang lebih dari", "berisi lebih dari", "DTD", "bukan XML",
            "Simpan 1 baru", "baris keluarga dibaca", "Berkas terlalu besar")


# --- the files ---------------------------------------------------------------------------------

def cells(row_number: int, values) -> bytes:
    from openpyxl.utils import get_column_letter

    return b"".join(b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (
        get_column_letter(i + 1).encode(), row_number, str(v).encode())
        for i, v in enumerate(values))


def sheet_head(rows, dimension: bytes | None) -> bytes:
    body = b"".join(b'<row r="%d">%s</row>' % (n, cells(n, r)) for n, r in enumerate(rows, 1))
    claim = b'<dimension ref="' + dimension + b'"/>' if dimension else b""
    return (b'<?xml version="1.0" encoding="UTF-8"?><worksheet ' + NS + b">" + claim
            + b"<sheetData>" + body)


TAIL = b"</sheetData></worksheet>"


def xlsx(sheet_chunks) -> bytes:
    """A genuine openpyxl workbook whose first sheet is written from `sheet_chunks` (streamed:
    a 600 MB sheet never sits in memory)."""
    from openpyxl import Workbook

    base = io.BytesIO()
    Workbook().save(base)
    source = zipfile.ZipFile(base)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with archive.open(info.filename, "w", force_zip64=True) as member:
                    for chunk in sheet_chunks:
                        member.write(chunk)
            else:
                archive.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def empty_rows(header, megabytes: int = 600) -> bytes:
    """The issue's bomb: hundreds of MB of empty rows that deflate a thousandfold (and no
    `<dimension>`, so a reader that trusts it has no end in sight)."""
    block = b"<row/>" * (1024 * 1024 // 6)
    return xlsx([sheet_head([header], None)] + [block] * megabytes + [TAIL])


def far_row(header) -> bytes:
    """A header, then a cell on the sheet's very last row: a million rows to walk."""
    return xlsx([sheet_head([header], b"A1:XFD1048576"),
                 b'<row r="1048576">' + cells(1048576, ["x"]) + b"</row>", TAIL])


def dimension_claim(header, row) -> bytes:
    """Two genuine rows under a `<dimension>` claiming the whole sheet (the issue's 4.7 KB)."""
    return xlsx([sheet_head([header, row], b"A1:XFD1048576"), TAIL])


def wide_row(header, count: int = 20_000) -> bytes:
    """One row of more cells than Excel allows; openpyxl would hold them all until the row
    ends (a million: 13 MB of XML, 2.4 MB zipped, 640 MB in memory)."""
    from openpyxl.utils import get_column_letter

    row = b"".join(b'<c r="%s2"/>' % get_column_letter(i % 16384 + 1).encode()
                   for i in range(count))
    return xlsx([sheet_head([header], None), b'<row r="2">' + row + b"</row>", TAIL])


def _patched(sheet: bytes, change) -> bytes:
    """A workbook from `xlsx` whose other members are rewritten by `change(name, data)`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx([sheet])))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            for name, data in change(info.filename, source.read(info.filename)):
                archive.writestr(name, data)
    return out.getvalue()


def shared_strings(header, count: int = 700_000) -> bytes:
    """Distinct texts that openpyxl reads, one by one (about 16 µs each), before any row."""
    table = (b'<?xml version="1.0" encoding="UTF-8"?><sst ' + NS + b">"
             + b"".join(b"<si><t>%x</t></si>" % i for i in range(count)) + b"</sst>")

    def change(name, data):
        if name == "[Content_Types].xml":
            data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                b'ContentType="application/vnd.openxmlformats-officedocument.'
                                b'spreadsheetml.sharedStrings+xml"/></Types>')
        elif name == "xl/_rels/workbook.xml.rels":
            data = data.replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                                b"schemas.openxmlformats.org/officeDocument/2006/relationships/"
                                b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
            yield "xl/sharedStrings.xml", table
        yield name, data

    return _patched(sheet_head([header], None) + TAIL, change)


def big_styles(header, count: int = 70_000) -> bytes:
    """A styles part of a few MB (cell formats), which openpyxl parses whole."""
    def change(name, data):
        if name == "xl/styles.xml":
            start, end = data.index(b"<cellXfs"), data.index(b"</cellXfs>")
            formats = b"".join(b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="%d"/>'
                               % i for i in range(count))
            data = data[:start] + b'<cellXfs count="%d">' % count + formats + data[end:]
        yield name, data

    return _patched(sheet_head([header], None) + TAIL, change)


# --- the server and its clients ----------------------------------------------------------------

class Client:
    """One browser: a keep-alive connection and its cookies."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method, path, body=None, content_type=None):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if content_type:
            headers["Content-Type"] = content_type
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            return 0, type(exc).__name__
        for header, value in resp.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, data

    def log_in(self, username: str) -> None:
        _, page = self.request("GET", "/login")
        from urllib.parse import urlencode

        form = urlencode({"csrf_token": inputs(page).get("csrf_token", ""),
                          "username": username, "password": DEMO_PASSWORD})
        status, _ = self.request("POST", "/login", form, "application/x-www-form-urlencoded")
        if status != 302:
            raise RuntimeError(f"login as {username} failed: HTTP {status}")

    def upload(self, path: str, data: bytes, name: str, **fields) -> tuple[int, float, str]:
        """(status, seconds, what the page says) for one upload through the page's own form."""
        from werkzeug.datastructures import FileStorage
        from werkzeug.test import encode_multipart

        _, page = self.request("GET", path)
        form = {"csrf_token": inputs(page).get("csrf_token", ""), **fields,
                "file": FileStorage(io.BytesIO(data), filename=name)}
        boundary, body = encode_multipart(form)
        started = time.perf_counter()
        status, page = self.request("POST", path, body,
                                    f"multipart/form-data; boundary={boundary}")
        return status, time.perf_counter() - started, said(page)


STARTS = re.compile(r"Isi berkas|Berkas|Satu baris|Ukuran berkas|Bagian|Pembacaan berkas|"
                    r"Baris \d+|Simpan \d+|\d+ baris keluarga")


def said(page: str) -> str:
    """The message of the page that gives the refusal or the result."""
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    for sentence in re.split(r"(?<=\.) ", text):
        at = min((sentence.find(m) for m in MESSAGES if m in sentence), default=-1)
        if at >= 0:
            starts = [m.start() for m in STARTS.finditer(sentence) if m.start() <= at]
            found = sentence[starts[-1] if starts else 0:].strip()
            return found.split(" perubahan")[0] + " perubahan" if found.startswith(
                "Simpan") else found[:100]
    return "(no message found)"


def workers_of(master: int) -> list[int]:
    path = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Poller(threading.Thread):
    """GET /login every 50 ms; (start time, seconds) of every answer."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.client, self.samples, self.stop = Client(port), [], threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.perf_counter()
            self.client.request("GET", "/login")
            self.samples.append((started, time.perf_counter() - started))
            time.sleep(0.05)

    def between(self, begin: float, end: float) -> list[float]:
        return [s for t, s in self.samples if begin - 0.05 <= t <= end]


# --- the run -----------------------------------------------------------------------------------

def prepare(root: Path, folder: str) -> tuple[str, dict]:
    url = f"sqlite:///{folder}/bombs.db"
    env = {**os.environ, "DATABASE_URL": url, "TAGAR_NOW": BENCH_NOW, "FLASK_APP": "wsgi",
           "TAGAR_INSTANCE_DIR": folder, "SECRET_KEY": "bench-bombs-secret",
           "PYTHONPATH": str(root)}
    flask = str(Path(sys.executable).with_name("flask"))
    for cmd in ([flask, "db", "upgrade"], [flask, "seed-demo"]):
        subprocess.run(cmd, env=env, cwd=root, check=True, capture_output=True)
    return url, env


def rounds():
    """(import, user, page, form fields, [(label, file name, bytes), (label, ...)])."""
    for label, user, path, fields, header, row in (
            ("sub-activity import", "dinkes", "/sub-kegiatan/impor", {}, SIPD_HEADER, SIPD_ROW),
            ("lokus import", "sekretariat", "/lokus/impor", {"source": "P3KE"}, LOKUS_HEADER,
             LOKUS_ROW)):
        yield label, user, path, fields, [("600 MB of empty rows", empty_rows(header)),
                                          ("last row 1,048,576", far_row(header))]
        yield label, user, path, fields, [("dimension A1:XFD1048576",
                                           dimension_claim(header, row)),
                                          ("1,000,000 cells in a row",
                                           wide_row(header, 1_000_000))]
        yield label, user, path, fields, [("700,000 distinct texts", shared_strings(header)),
                                          ("styles part of 4.6 MB", big_styles(header))]


def run(root: Path = ROOT, repeat: int = 5) -> dict:
    folder = tempfile.mkdtemp(prefix="tagar-bombs-")
    try:
        return _run(root, repeat, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _run(root: Path, repeat: int, folder: str) -> dict:
    url, env = prepare(root, folder)
    port = free_port()
    results, login_during, rss = [], [], {}
    log_path = Path(folder) / "gunicorn.log"
    with open(log_path, "w+") as log:
        proc = start_gunicorn(url, port, 2, 1, log, root=root, env=env)
    poller = Poller(port)
    try:
        warm = Client(port)  # both workers have read a genuine file before the peak is read
        warm.log_in("dinkes")
        for _ in range(6):
            warm.upload("/sub-kegiatan/impor", dimension_claim(SIPD_HEADER, SIPD_ROW), "a.xlsx")
        rss["before"] = {w: peak_rss_mb(w) for w in workers_of(proc.pid)}
        poller.start()
        for label, user, path, fields, bombs in [r for r in rounds() for _ in range(repeat)]:
            clients = []
            for _ in bombs:
                client = Client(port)
                client.log_in(user)
                clients.append(client)
            answers = [None] * len(bombs)

            def send(i, client, bomb, path=path, fields=fields, answers=answers):
                answers[i] = client.upload(path, bomb[1], "bom.xlsx", **fields)

            threads = [threading.Thread(target=send, args=(i, c, b))
                       for i, (c, b) in enumerate(zip(clients, bombs, strict=True))]
            begin = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            end = time.perf_counter()
            login_during += poller.between(begin, end)
            for (name, data), (status, seconds, message) in zip(bombs, answers, strict=True):
                results.append({"import": label, "bomb": name, "kb": len(data) / 1024,
                                "status": status, "seconds": seconds, "message": message})
        rss["after"] = {w: peak_rss_mb(w) for w in workers_of(proc.pid)}
    except BaseException:
        print(log_path.read_text()[-3000:], file=sys.stderr)  # what the server said
        raise
    finally:
        poller.stop.set()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    timeouts = log_path.read_text().count("WORKER TIMEOUT")
    return {"results": results, "login": login_during, "rss": rss, "timeouts": timeouts,
            "polls": len(poller.samples)}


def report(out: dict) -> None:
    groups: dict[tuple, list] = {}
    for r in out["results"]:
        groups.setdefault((r["import"], r["bomb"]), []).append(r)
    print(f"  {'import':<20} {'bomb':<24} {'KB':>5} {'n':>2} {'HTTP':>4} {'median':>6} "
          f"{'max s':>6}  answer")
    for (label, bomb), rows in groups.items():
        seconds = [r["seconds"] for r in rows]
        statuses = "/".join(sorted({str(r["status"]) for r in rows}))
        print(f"  {label:<20} {bomb:<24} {rows[0]['kb']:5.0f} {len(rows):>2} {statuses:>4} "
              f"{statistics.median(seconds):6.2f} {max(seconds):6.2f}  {rows[0]['message']}")
    login = out["login"] or [0.0]
    print(f"  GET /login during the bombs: {len(login)} requests, median "
          f"{statistics.median(login) * 1000:.0f} ms, max {max(login) * 1000:.0f} ms")
    for stage in ("before", "after"):
        peaks = ", ".join(f"{mb:.0f} MB" for mb in out["rss"].get(stage, {}).values())
        print(f"  worker peak RSS (VmHWM) {stage} the bombs: {peaks}")
    print(f"  gunicorn worker timeouts: {out['timeouts']}")
    slowest = max(r["seconds"] for r in out["results"])
    print(f"  slowest answer to a bomb: {slowest:.2f} s "
          f"({'under' if slowest < 2 else 'NOT under'} the 2 s goal)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT,
                        help="the checkout gunicorn serves (another one, to compare)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each pair of bombs")
    args = parser.parse_args(argv)
    report(run(args.root.resolve(), args.repeat))


if __name__ == "__main__":
    main()
