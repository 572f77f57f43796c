"""flask --app wsgi promote-year [--apply] | purge (backup and restore: admin/cli.py)"""

import click

from ..accounts import promotion
from ..audit.services import record
from ..extensions import db
from . import retention


def init_app(app):
    app.cli.add_command(promote_year_command)
    app.cli.add_command(retention.purge_command)


@click.command("promote-year")
@click.option("--apply", "apply_", is_flag=True, help="Apply; without it only the preview is shown.")
def promote_year_command(apply_):
    """New school year: every class up a grade, grade 9 graduates (accounts deactivated)."""
    moves = promotion.plan()
    for move in moves:
        target = move.new_name or "graduates (accounts deactivated)"
        click.echo(f"{move.school_class.name} -> {target}  ({move.students} students)")
    clashes = promotion.clashes(moves)
    if clashes:
        raise click.ClickException(f"these new names are taken: {', '.join(clashes)}")
    if apply_:
        promotion.apply(moves)
        record(None, "promote_year", "school_year",
               summary="Tahun pelajaran baru diterapkan lewat perintah server")
        db.session.commit()
        click.echo("Applied.")
    else:
        click.echo("Preview only: run again with --apply to make these changes.")
