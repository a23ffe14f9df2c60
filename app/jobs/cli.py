"""`flask jobs worker`: the worker process for a Redis (or shared SQLite) queue."""
import click
from flask import current_app
from flask.cli import AppGroup

jobs_cli = AppGroup("jobs", help="Antrean pekerjaan latar belakang.")


@jobs_cli.command("worker")
@click.option("--threads", type=click.IntRange(1, 32), default=None,
              help="Jumlah thread pekerja (bawaan: TAGAR_JOBS_THREADS).")
def worker(threads):
    """Jalankan pekerja antrean sampai dihentikan (Ctrl-C / SIGTERM)."""
    import logging

    queue = current_app.extensions["jobs"]
    if queue.mode == "immediate":
        raise click.ClickException("TAGAR_JOBS_WORKER=immediate: pekerjaan berjalan di dalam "
                                   "permintaan, tidak ada antrean untuk dikerjakan.")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    storage = queue.huey.storage.__class__.__name__
    click.echo(f"Pekerja antrean '{queue.huey.name}' ({storage}), "
               f"{threads or current_app.config['JOBS_THREADS']} thread.")
    queue.worker(threads or current_app.config["JOBS_THREADS"]).run()
