"""What the pages need from the maps: template globals, so that a page shows its map with one
`{% include "maps/_<page>.html" %}` line and its view stays as it was."""
from flask import Flask

from . import figures


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(dashboard_map=figures.dashboard_map,
                                 lokus_map=figures.lokus_map, coverage_map=figures.coverage_map,
                                 home_map=figures.home_map)
