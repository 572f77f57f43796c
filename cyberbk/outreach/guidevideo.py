"""The guide's own video: made from the guide's steps for the demo school, or a counselor's
upload transcoded to the same small profile (360p H.264/AAC, faststart) that a phone on a
weak connection plays."""

import logging
import secrets

from flask import current_app
from flask_babel import gettext as _

from ..school.services import get_settings as school_settings
from . import media
from . import services
from . import uploads

log = logging.getLogger("cyberbk.outreach")


def missing_tools():
    """Why this server cannot make or transcode a video, or None when it can."""
    if not media.tools().makes_video:
        return _("Server ini tidak punya ffmpeg (atau huruf DejaVu), jadi video panduan tidak "
                 "dibuat dan unggahan video tidak diperkecil. Langkah-langkah panduan tetap "
                 "tampil.")
    return None


def cards(school, steps):
    """The pictures of the generated video and what is said on each: a title, the steps,
    an ending."""
    total = len(steps)
    made = [media.Card(
        _("Panduan konseling daring"), _("Ngobrol dengan Guru BK lewat HP"),
        _("%(count)d langkah singkat, dari masuk sampai menilai sesinya.", count=total),
        _("Panduan konseling daring dengan Guru BK %(school)s. Ada %(count)d langkah.",
          school=school, count=total))]
    for number, step in enumerate(steps, 1):
        made.append(media.Card(
            _("Langkah %(num)d dari %(total)d", num=number, total=total), step.title,
            step.body, _("Langkah %(num)d. %(title)s. %(body)s", num=number,
                         title=step.title.rstrip("."), body=step.body)))
    made.append(media.Card(
        _("Sampai ketemu"), _("Guru BK siap mendengarkan"),
        _("Buka halaman panduan ini lagi kapan saja."),
        _("Guru BK siap mendengarkan. Sampai ketemu!")))
    return made


def make_guide_video(settings):
    """Make the guide video from the saved steps and the school's name and put it on the
    guide; None, or the reason it was not made. Takes seconds: a command's work, or a
    request's off the loop."""
    reason = missing_tools()
    if reason:
        return reason
    school = school_settings().name
    prefix = f"panduan-{secrets.token_hex(8)}"
    try:
        names, _spoken = media.RENDERING.run(
            media.guide_video, media.tools(), school, cards(school, services.guide_steps()),
            uploads.folder(), prefix, current_app.config["OUTREACH_VIDEO_TIMEOUT"])
    except media.MediaFailed as error:
        log.warning("guide video not made: %s", error)
        for stale in uploads.folder().glob(f"{prefix}.*"):
            stale.unlink(missing_ok=True)
        return _("Video panduan tidak berhasil dibuat di server ini (lihat log server). "
                 "Langkah-langkah panduan tetap tampil.")
    size = uploads.path_of(names["mp4"]).stat().st_size
    services.set_video_upload(settings, names["mp4"], size, names["jpg"], names["vtt"])
    return None


def transcode_upload(stored_name):
    """The uploaded video re-encoded to the small profile: (stored name, size, poster name),
    the upload itself removed. Raises uploads.UploadRefused when ffmpeg cannot read it."""
    prefix = f"panduan-{secrets.token_hex(8)}"
    target, poster = f"{prefix}.mp4", f"{prefix}.jpg"
    try:
        media.RENDERING.run(media.transcode, media.tools().ffmpeg, uploads.path_of(stored_name),
                            uploads.path_of(target), uploads.path_of(poster),
                            current_app.config["OUTREACH_VIDEO_TIMEOUT"])
    except media.MediaFailed as error:
        log.warning("guide video not transcoded: %s", error)
        for name in (target, poster):
            uploads.remove(name)
        raise uploads.UploadRefused(_(
            "Video ini tidak bisa dibaca server. Coba simpan ulang sebagai MP4 dari HP atau "
            "aplikasi pengedit video, lalu unggah lagi.")) from error
    finally:
        uploads.remove(stored_name)
    return target, uploads.path_of(target).stat().st_size, poster
