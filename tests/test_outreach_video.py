"""The guide video: made for the demo school at setup from the guide's steps (ffmpeg,
espeak-ng), small enough for a phone, with Indonesian captions; a counselor's upload
transcoded to the same profile; without the tools, the steps alone, saying so."""

import io
import json
import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from cyberbk.extensions import db
from cyberbk.outreach import media
from cyberbk.outreach import services
from cyberbk.outreach import uploads
from cyberbk.outreach.models import VideoSource

needs_ffmpeg = pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")
                                       and media.FONT.exists()),
                                  reason="ffmpeg/ffprobe or fonts-dejavu-core not installed")
MB = 1024 * 1024


def probe(path):
    result = subprocess.run(["ffprobe", "-v", "error", "-show_format", "-show_streams",
                             "-of", "json", str(path)], capture_output=True, check=True)
    info = json.loads(result.stdout)
    streams = {s["codec_type"]: s for s in info["streams"]}
    return streams, float(info["format"]["duration"])


def moov_before_mdat(path):
    head = path.read_bytes()
    return head.index(b"moov") < head.index(b"mdat")


@needs_ffmpeg
def test_seeding_the_demo_school_makes_a_small_guide_video_with_indonesian_captions(
        app, client, runner):
    app.config["OUTREACH_DEMO_VIDEO"] = True
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Guide video made" in result.output
    settings = services.get_settings()
    assert settings.video_source == VideoSource.UPLOAD
    video = uploads.path_of(settings.video_filename)
    assert video.stat().st_size <= 2 * MB
    assert settings.video_bytes == video.stat().st_size
    streams, duration = probe(video)
    assert streams["video"]["codec_name"] == "h264"
    assert streams["video"]["pix_fmt"] == "yuv420p"
    assert (streams["video"]["width"], streams["video"]["height"]) == (640, 360)
    assert streams["audio"]["codec_name"] == "aac"
    assert 30 <= duration <= 100
    assert moov_before_mdat(video)  # +faststart: plays before it has all arrived

    captions = uploads.path_of(settings.video_captions_filename).read_text()
    assert captions.startswith("WEBVTT")
    assert "SMP Negeri Contoh" in captions.replace("\n", " ")
    assert "Langkah 1." in captions and "Pilih waktu." in captions
    poster = uploads.path_of(settings.video_poster_filename).read_bytes()
    assert poster.startswith(b"\xff\xd8\xff")

    guide = client.get("/panduan").get_data(as_text=True)
    size = uploads.megabytes(settings.video_bytes)
    assert re.fullmatch(r"\d,\d MB", size)
    assert f"Video {size}, dengan teks." in guide
    # At the top, above the steps; nothing of the video in the first page.
    assert guide.index("op-video-placeholder") < guide.index('class="op-steps"')
    assert "<video" not in guide and settings.video_poster_filename not in guide
    player = client.get("/panduan?putar=1", headers={"HX-Request": "true"}).get_data(
        as_text=True)
    assert '<track kind="captions" srclang="id"' in player
    assert client.get(f"/media/video/{settings.video_captions_filename}").mimetype == \
        "text/vtt"

    # `flask guide-video --if-missing` (make run's) leaves it as it is.
    again = runner.invoke(args=["guide-video", "--if-missing"])
    assert "already has a video" in again.output
    assert services.get_settings().video_filename == settings.video_filename


@needs_ffmpeg
def test_without_espeak_the_video_is_silent_with_captions(app, tmp_path):
    found = replace(media.detect(), espeak=None)
    cards = [media.Card("Langkah 1 dari 1", "Masuk", "Masuk dengan akun sekolah.",
                        "Langkah 1. Masuk. Masuk dengan akun sekolah.")]
    names, spoken = media.guide_video(found, "SMP Uji", cards, tmp_path, "uji")
    assert spoken is False
    streams, duration = probe(tmp_path / names["mp4"])
    assert streams["audio"]["codec_name"] == "aac" and duration >= 3
    assert "Masuk dengan akun sekolah." in (tmp_path / names["vtt"]).read_text()


def test_without_ffmpeg_the_guide_shows_its_steps_and_says_there_is_no_video(
        app, client, auth, runner, school):
    app.extensions[media.EXTENSION] = media.Tools()
    result = runner.invoke(args=["guide-video"])
    assert "No guide video" in result.output and "ffmpeg" in result.output
    assert services.get_settings().video_source == VideoSource.NONE
    db.session.rollback()  # the settings row get_settings wrote, which would lock SQLite
    guide = client.get("/panduan").get_data(as_text=True)
    assert "Belum ada video panduan. Ikuti langkah-langkah di bawah ini." in guide
    assert guide.count('class="op-step"') == 5
    auth.login("guru.a")
    editor = client.get("/bk/panduan").get_data(as_text=True)
    assert "Server ini tidak punya ffmpeg" in editor
    assert "/bk/panduan/video/buat" not in editor


@needs_ffmpeg
def test_counselor_video_is_transcoded_to_the_small_profile(client, auth, school, tmp_path):
    source = tmp_path / "rekaman.mp4"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=1280x720:rate=30:duration=2", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=2", "-c:v", "libx264", "-preset",
                    "ultrafast", "-pix_fmt", "yuv444p", "-c:a", "aac", str(source)],
                   check=True)
    auth.login("guru.a")
    response = client.post("/bk/panduan/video", content_type="multipart/form-data",
                           data={"video": (io.BytesIO(source.read_bytes()), "rekaman.mp4")})
    assert response.status_code == 303
    settings = services.get_settings()
    stored = uploads.path_of(settings.video_filename)
    streams, _duration = probe(stored)
    assert (streams["video"]["width"], streams["video"]["height"]) == (640, 360)
    assert streams["video"]["pix_fmt"] == "yuv420p"
    assert streams["audio"]["codec_name"] == "aac"
    assert moov_before_mdat(stored)
    assert settings.video_bytes == stored.stat().st_size
    # A poster frame is taken when the counselor gave none; only the result is kept.
    assert settings.video_poster_filename.endswith(".jpg")
    assert sorted(p.name for p in uploads.folder().iterdir()) == sorted(
        [settings.video_filename, settings.video_poster_filename])


@needs_ffmpeg
def test_a_file_ffmpeg_cannot_read_is_refused_and_not_kept(client, auth, school):
    fake = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 4000
    auth.login("guru.a")
    response = client.post("/bk/panduan/video", content_type="multipart/form-data",
                           data={"video": (io.BytesIO(fake), "rusak.mp4")})
    assert response.status_code == 400
    assert "Video ini tidak bisa dibaca server." in response.get_data(as_text=True)
    assert services.get_settings().video_source == VideoSource.NONE
    assert not list(uploads.folder().iterdir())


def test_a_failed_video_making_says_so_and_keeps_the_guide_as_it_was(app, client, auth, school,
                                                                      monkeypatch):
    app.extensions[media.EXTENSION] = replace(media.detect(), ffmpeg="/usr/bin/ffmpeg")

    def fails(*args):
        raise media.MediaFailed("ffmpeg failed: no space")

    monkeypatch.setattr(media, "guide_video", fails)
    monkeypatch.setattr(media.Tools, "makes_video", property(lambda self: True))
    auth.login("guru.a")
    response = client.post("/bk/panduan/video/buat")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Video panduan tidak berhasil dibuat di server ini" in page
    assert services.get_settings().video_source == VideoSource.NONE
