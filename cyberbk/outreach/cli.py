"""`flask guide-video`: the guide's video made from its steps (the demo school's at setup)."""

import click

from ..extensions import db
from . import guidevideo
from . import services
from .models import VideoSource


def init_app(app):
    app.cli.add_command(guide_video_command)


def make_demo_video(echo=click.echo):
    """After seeding: the demo school's guide video, unless the settings turn it off (the
    tests do) or a tool is missing (then the guide shows its steps without a video)."""
    from flask import current_app

    if not current_app.config["OUTREACH_DEMO_VIDEO"]:
        return
    make(echo, keep_existing=True)


def make(echo, keep_existing=False):
    settings = services.get_settings()
    if keep_existing and settings.video_source != VideoSource.NONE:
        echo("The guide already has a video; left as it is.")
        return
    reason = guidevideo.make_guide_video(settings)
    if reason:
        db.session.rollback()
        echo(f"No guide video: {reason}")
        return
    db.session.commit()
    echo(f"Guide video made ({settings.video_bytes / 1024 / 1024:.1f} MB, captions "
         f"{settings.video_captions_filename}).")


@click.command("guide-video")
@click.option("--if-missing", is_flag=True, help="Only when the guide has no video yet.")
def guide_video_command(if_missing):
    """Make the guide's video from its steps and the school's name (ffmpeg, espeak-ng)."""
    make(click.echo, keep_existing=if_missing)
