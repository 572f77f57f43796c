import click

from . import bp


@bp.cli.command("deliver")
def deliver_command():
    """One round of the alert worker: escalations, unread chats, everything due."""
    from .delivery import run_once

    sent = run_once()
    click.echo(f"{sent} notifikasi terkirim.")
