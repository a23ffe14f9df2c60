"""What every import command prints before it writes: each error and warning of the plan with
its row and column, then a refusal when the plan has errors (nothing is written) or the stop of
a dry run. The SIPD, set-up and future imports share it, so a file's problems read the same
whichever command found them."""
import click


def report_plan(plan, *, dry_run: bool) -> bool:
    """Echo the plan's issues; raise when it has errors; False when a dry run ends here."""
    for label, issues in (("GALAT", plan.errors), ("PERINGATAN", plan.warnings)):
        for issue in issues:
            where = f"baris {issue.row}" if issue.row else "berkas"
            column = f" [{issue.column}]" if issue.column else ""
            click.echo(f"{label} {where}{column}: {issue.message}", err=label == "GALAT")
    if not plan.ok:
        raise click.ClickException("Berkas berisi galat; tidak ada data yang disimpan.")
    if dry_run:
        click.echo("Uji coba (--dry-run): tidak ada data yang disimpan.")
        return False
    return True
