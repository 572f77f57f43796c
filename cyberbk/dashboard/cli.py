"""flask --app wsgi backup DIR | restore ARCHIVE | promote-year [--apply]"""

from pathlib import Path

import click
from flask import current_app

from ..accounts import promotion
from ..extensions import db
from . import backup as backups
from . import retention


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(promote_year_command)
    app.cli.add_command(retention.purge_command)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_command(directory):
    """Write a consistent, dated archive of the database, uploads and secret key."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    if backups.sqlite_path(uri) is None:
        click.echo("PostgreSQL: back up with pg_dump, for example:")
        click.echo(backups.pg_dump_command(uri, directory))
        click.echo(f"and copy {Path(current_app.instance_path) / 'uploads'} and the secret key.")
        return
    try:
        archive = backups.backup(uri, current_app.instance_path, directory)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Backup written: {archive}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive):
    """Restore an archive into the empty instance folder named by CYBERBK_INSTANCE_PATH."""
    from ..extensions import db

    db.engine.dispose()
    try:
        database = backups.restore(archive, current_app.instance_path)
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored {database}; run `flask --app wsgi db upgrade` before serving.")


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
        db.session.commit()
        click.echo("Applied.")
    else:
        click.echo("Preview only: run again with --apply to make these changes.")
