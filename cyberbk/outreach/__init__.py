"""Outreach: what BK offers (/layanan), the guide and its video (/panduan), material with
slides (/materi), the poster (/poster), RPLs, and the homeroom teacher's share kit."""

from flask import Blueprint
from flask import current_app
from flask import request

from . import media

bp = Blueprint("outreach", __name__)

DEFAULTS = {
    # The address on posters, QR codes and shared links when it differs from the one the
    # server is reached on (an intranet address, say); None: the request's own address.
    "OUTREACH_PUBLIC_URL": None,
    # YouTube videos are embedded from here after a tap; security.py adds it to the CSP's
    # frame-src. Empty: a YouTube guide video is only linked, never embedded.
    "OUTREACH_YOUTUBE_ORIGIN": "https://www.youtube-nocookie.com",
    "OUTREACH_VIDEO_MAX_BYTES": 80 * 1024 * 1024,
    "OUTREACH_IMAGE_MAX_BYTES": 300 * 1024,
    # Below the app's MAX_CONTENT_LENGTH, so the form can say which file was too big.
    "OUTREACH_ATTACHMENT_MAX_BYTES": 7 * 1024 * 1024,
    # A file of slides: pages rendered at upload (two JPEGs a page), and how long each
    # program (pdftoppm, LibreOffice) may take before the upload is refused.
    "OUTREACH_SLIDES_MAX_PAGES": 60,
    "OUTREACH_SLIDES_TIMEOUT": 120,
    # A counselor's video transcoded to the small profile: how long ffmpeg may take.
    "OUTREACH_VIDEO_TIMEOUT": 600,
    # `flask seed-demo` also makes the demo's guide video (ffmpeg, espeak-ng): some seconds.
    "OUTREACH_DEMO_VIDEO": True,
}
VIDEO_UPLOAD_ENDPOINT = "outreach.upload_video"


@bp.record_once
def setup(state):
    for name, value in DEFAULTS.items():
        state.app.config.setdefault(name, value)
    # Which of the optional programs this server has, read once (the pages say what is
    # missing); a test puts other Tools here.
    state.app.extensions.setdefault(media.EXTENSION, media.detect())


@bp.url_value_preprocessor
def allow_large_video(endpoint, values):
    # Runs before CSRFProtect reads the form in the app's before_request, which would
    # apply the app-wide MAX_CONTENT_LENGTH to the guide video too.
    if endpoint == VIDEO_UPLOAD_ENDPOINT:
        request.max_content_length = (current_app.config["OUTREACH_VIDEO_MAX_BYTES"]
                                      + 1024 * 1024)


from . import editing  # noqa: E402,F401
from . import routes  # noqa: E402,F401
