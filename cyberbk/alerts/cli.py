import click

from . import bp
from .delivery import run_once


@bp.cli.command("deliver")
def deliver_command():
    """One round of the alert worker: escalations, unread chats, everything due."""
    click.echo(f"{run_once()} notifikasi terkirim.")
