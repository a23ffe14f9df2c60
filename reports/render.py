"""One entry point for the web download and the CLI: options in, a named file out."""
from io import BytesIO

from reports.content.kemenko import build_content, resolve_options
from reports.pdf.kemenko import build_pdf
from reports.xlsx.kemenko import build_xlsx

FILE_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_name(content, fmt: str) -> str:
    o = content.options
    period = {"plan": "rencana-aksi", "semester": f"semester-{o.semester}",
              "gubernur": f"semester-{o.semester}-gubernur"}.get(o.variant, f"tw{content.quarter}")
    who = f"-{content.opd.code}" if content.opd else ""
    draft = "-DRAFT" if content.draft else ""
    return f"laporan-kemenko-{o.year}-{period}{who}{draft}.{fmt}"


def build_report(fmt: str, **options) -> tuple[str, BytesIO]:
    """(download name, file) for `fmt` "pdf" or "xlsx"; a ServiceError for bad options."""
    content = build_content(resolve_options(**options))
    data = build_pdf(content).data if fmt == "pdf" else build_xlsx(content)
    return file_name(content, fmt), BytesIO(data)
