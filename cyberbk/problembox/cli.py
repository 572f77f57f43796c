"""flask --app wsgi purge-reports [--days N]"""

import click
from flask import current_app

from ..audit.services import record
from ..extensions import db
from .services import purge_closed


@click.command("purge-reports")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Remove closed reports closed more than this many days ago "
                   "(default: PROBLEMBOX_RETENTION_DAYS, 365).")
def purge_reports_command(days):
    """Remove closed problem-box reports, with their threads and notes, after N days."""
    if days is None:
        days = current_app.config["PROBLEMBOX_RETENTION_DAYS"]
    removed = purge_closed(days)
    record(None, "purge", "problem_report",
           summary=f"{removed} closed report(s) older than {days} days removed")
    db.session.commit()
    click.echo(f"{removed} closed report(s) closed more than {days} days ago removed.")
