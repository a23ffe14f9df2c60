"""The report page with a real queue, in a real Chromium: the request is answered at once, the
page's script polls the build, shows it finished and starts the download, without a CSP
violation; a reload (no script needed) shows the finished build with its link."""
import pytest
from pypdf import PdfReader

from .conftest import log_in, serve_demo

# Installed before the page's own code runs (through DevTools, which the CSP does not govern).
WATCH = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP-VIOLATION " + e.violatedDirective + " " + e.blockedURI);
});"""


@pytest.fixture(scope="module")
def live_app():
    """The demo on its own SQLite file, with the embedded queue (`make run`'s): a thread of the
    server works the jobs."""
    yield from serve_demo(JOBS_WORKER="thread",
                          JOBS_URL=lambda base: f"sqlite:///{base / 'jobs.db'}")


def test_report_is_built_in_the_background_and_downloaded_when_ready(page, live_app):
    messages = []
    page.add_init_script(WATCH)
    page.on("console", lambda m: messages.append(m.text))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    log_in(page, "sekretariat")
    page.goto(page.base + "/laporan/")
    page.select_option("#variant", "quarterly")
    page.select_option("#quarter", "3")
    page.select_option("#fmt", "pdf")
    with page.expect_download(timeout=30000) as info:
        page.click("button[type=submit]:has-text('Unduh')")
        page.wait_for_url("**/laporan/#build-*")
        assert "Laporan sedang disusun" in page.inner_text("body")
    download = info.value
    assert download.suggested_filename == "laporan-kemenko-2026-tw3.pdf"
    with open(download.path(), "rb") as fh:
        assert len(PdfReader(fh).pages) > 3
    row = page.locator("tr[id^=build-]").first
    row.locator("a:has-text('Unduh')").wait_for()
    assert row.get_attribute("data-build-state") == "done"
    page.reload()
    row = page.locator("tr[id^=build-]").first
    assert "Unduh" in row.inner_text() and "halaman" in row.inner_text()
    assert not [m for m in messages if "CSP-VIOLATION" in m or m.startswith("pageerror")]
