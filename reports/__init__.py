"""Rollup queries and the report builders (PDF with reportlab, XLSX with openpyxl)."""
