"""Fake BNBA extracts and beneficiary lists for the coverage tests: fake NIKs (prefix 3299, no
real province), fake names, in CSV or XLSX, built in memory."""
import io

from openpyxl import Workbook

BNBA_HEADER = ["No", "NIK", "Nama Lengkap", "No KK", "Kode Desa", "Desa", "Kecamatan", "Desil",
               "Status"]


def nik(i: int) -> str:
    return f"3299{i:012d}"


def kk(i: int) -> str:
    return f"3298{i:012d}"


def name(i: int) -> str:
    return f"Warga Samaran Zqx{i:05d}"


def member(i: int, family: int, village, desil: int) -> list:
    """One BNBA row: member i of family `family` in `village` (a Village)."""
    return [i, nik(i), name(i), kk(family), village.code, village.name, village.district.name,
            desil, "Aktif"]


def csv_bytes(header: list, rows: list[list]) -> bytes:
    lines = [";".join(str(c) for c in header)]
    lines += [";".join("" if c is None else str(c) for c in r) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append([str(c) if isinstance(c, str) else c for c in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def beneficiary_rows(ids: list[int]) -> list[list]:
    return [[n, name(i), nik(i), "Jl. Samaran"] for n, i in enumerate(ids, 1)]


LIST_HEADER = ["No", "Nama Penerima", "NIK Penerima", "Alamat"]


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client spools a large one to a temporary
    file it never closes). files: name -> (filename, bytes). (body, content type)."""
    boundary = "tagarcoverageboundary7MA4YWxkTrZu0gW"
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())
    for name, (filename, data) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
                     .encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
