"""flask --app wsgi backup DIR | restore ARCHIVE: the operator's server commands."""

import os
from pathlib import Path

import click
from flask import current_app

from ..audit.services import record
from ..extensions import db
from . import backup as backups


def init_app(app):
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)


def passphrase(confirm):
    """BACKUP_PASSPHRASE from the environment or the configuration, else asked here (not
    echoed): it is never written to the server's disk by the app."""
    given = os.environ.get("BACKUP_PASSPHRASE") or current_app.config.get("BACKUP_PASSPHRASE")
    return given or click.prompt("Backup passphrase", hide_input=True,
                                 confirmation_prompt=confirm)


@click.command("backup")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def backup_command(directory):
    """Write a consistent, dated, encrypted archive of the database, uploads and secret key.
    Exits non-zero, saying why, whenever no archive was written (the nightly cron line
    must not pass)."""
    uri = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        archive = backups.backup(uri, current_app.instance_path, directory, passphrase(True))
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    record(None, "backup", "backup", archive.name, summary="Cadangan dibuat di server")
    db.session.commit()
    click.echo(f"Encrypted backup written (readable by its owner only): {archive}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_command(archive):
    """Restore an archive into the empty instance folder named by CYBERBK_INSTANCE_PATH
    (and a PostgreSQL database's into the empty database of DATABASE_URL)."""
    db.engine.dispose()
    try:
        database = backups.restore(archive, current_app.instance_path, passphrase(False),
                                   current_app.config["SQLALCHEMY_DATABASE_URI"])
    except backups.BackupError as error:
        raise click.ClickException(str(error))
    click.echo(f"Restored {database}; run `flask --app wsgi db upgrade` before serving.")
