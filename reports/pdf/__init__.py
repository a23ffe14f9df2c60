"""The Kemenko PMK report as a PDF (reportlab platypus): fonts, styles, letter, tables, builder."""
