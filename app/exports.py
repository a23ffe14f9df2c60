"""Answering a table page's `?format=xlsx`: the page's view builds its tables (the same data
it renders, after the same access checks) and hands them here; the workbook itself is built
by `app.core.table_xlsx` and saved through the shared `xlsx_writer`."""
from io import BytesIO

from flask import request, send_file

from app.core import table_xlsx

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def xlsx_response(tables: list[table_xlsx.Table], filename: str):
    return send_file(BytesIO(table_xlsx.workbook(tables)), as_attachment=True,
                     download_name=filename, mimetype=XLSX_MIMETYPE)


def yes_no(flag: bool) -> str:
    return "ya" if flag else "tidak"
