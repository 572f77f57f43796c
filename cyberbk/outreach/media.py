"""The Debian programs that turn a counselor's files into slides and video, and running them.

All are optional: poppler-utils (pdftoppm, pdfinfo, pdftotext) renders a PDF's pages to
images; LibreOffice (soffice) converts a PPTX to PDF first; ffmpeg transcodes a guide video
and assembles the demo's; espeak-ng reads the demo's steps aloud. Which ones are installed
is read once at start (`detect`, kept in app.extensions) and the pages say what is missing.

The functions here work on files only and may take seconds. The work is the programs',
each a child process at the lowest CPU priority (nice 19), so students' requests go first
also on one core. Under gevent the request's greenlet waits for the child cooperatively
(gevent's subprocess), so the serving loop goes on meanwhile; scheduling.off_loop's native
threads are not used here, because gevent can only wait for a child from its main loop.
"""

import re
import shutil
import subprocess
import tempfile
import textwrap
import threading
import wave
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

EXTENSION = "outreach_tools"
#: nice(1)'s weakest: the child gets a core only when nothing else wants it.
LOWEST_PRIORITY = ["nice", "-n", "19"] if shutil.which("nice") else []
#: The phones' size and the projector's, as widths of a page image.
SLIDE_WIDTHS = (640, 1280)
FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_FOLDER / "DejaVuSans.ttf"
FONT_BOLD = FONT_FOLDER / "DejaVuSans-Bold.ttf"
VIDEO_WIDTH, VIDEO_HEIGHT = 640, 360
# The small profile every phone's browser plays: H.264 main, yuv420p, AAC, moov first.
VIDEO_PROFILE = ["-c:v", "libx264", "-profile:v", "main", "-pix_fmt", "yuv420p",
                 "-movflags", "+faststart"]


@dataclass(frozen=True)
class Tools:
    pdftoppm: str | None = None
    pdfinfo: str | None = None
    pdftotext: str | None = None
    office: str | None = None
    ffmpeg: str | None = None
    espeak: str | None = None

    @property
    def renders_pdf(self):
        return bool(self.pdftoppm and self.pdfinfo)

    @property
    def makes_video(self):
        return bool(self.ffmpeg and FONT.exists() and FONT_BOLD.exists())


def detect():
    return Tools(pdftoppm=shutil.which("pdftoppm"), pdfinfo=shutil.which("pdfinfo"),
                 pdftotext=shutil.which("pdftotext"),
                 office=shutil.which("soffice") or shutil.which("libreoffice"),
                 ffmpeg=shutil.which("ffmpeg"), espeak=shutil.which("espeak-ng"))


def tools():
    return current_app.extensions[EXTENSION]


class Serial:
    """One rendering or transcoding at a time (memory, and the two cores): a second
    counselor's upload waits for the first. Under gevent the lock is a greenlet's."""

    def __init__(self):
        self.lock = None

    def run(self, function, *args):
        if self.lock is None:
            # Made on first use, after gevent has patched threading.
            self.lock = threading.Lock()
        with self.lock:
            return function(*args)


RENDERING = Serial()


class MediaFailed(Exception):
    """A program refused the file or ran too long; the message says which, for the log."""


class TooManyPages(Exception):
    def __init__(self, pages):
        super().__init__(pages)
        self.pages = pages


def run(command, timeout, cwd=None):
    try:
        result = subprocess.run([*LOWEST_PRIORITY, *command], capture_output=True,
                                timeout=timeout, cwd=cwd, check=False)
    except subprocess.TimeoutExpired as error:
        raise MediaFailed(f"{Path(command[0]).name} ran over {timeout} s") from error
    if result.returncode != 0:
        raise MediaFailed(f"{Path(command[0]).name} failed: "
                          f"{result.stderr.decode(errors='replace')[-400:]}")
    return result.stdout


# --- slides from a PDF or PPTX ----------------------------------------------------------------

@dataclass
class RenderedPage:
    number: int
    #: {width: file} of the page's JPEG images, in the output folder.
    images: dict
    height: int
    text: str


def office_to_pdf(tool, source, folder, timeout):
    """A PPTX converted to PDF by LibreOffice headless, in `folder`; the PDF's path."""
    # A profile of its own: a second soffice with the user's profile would only hand the
    # work to the first one, and a server's account may have no home.
    profile = Path(folder) / "lo-profile"
    run([tool, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
         "--convert-to", "pdf", "--outdir", str(folder), str(source)], timeout)
    converted = Path(folder) / (Path(source).stem + ".pdf")
    if not converted.exists():
        raise MediaFailed("soffice wrote no PDF")
    return converted


def page_count(tool, pdf, timeout):
    info = run([tool, str(pdf)], timeout).decode(errors="replace")
    match = re.search(r"^Pages:\s+(\d+)", info, re.M)
    if not match:
        raise MediaFailed("pdfinfo read no page count")
    return int(match.group(1))


def render_pdf(found, pdf, folder, prefix, max_pages, timeout):
    """Each page of `pdf` as JPEG images at SLIDE_WIDTHS in `folder`, named `prefix`-N-W.jpg,
    with its text (pdftotext, for screen readers). Raises TooManyPages or MediaFailed."""
    pages = page_count(found.pdfinfo, pdf, timeout)
    if pages == 0:
        raise MediaFailed("the PDF has no pages")
    if pages > max_pages:
        raise TooManyPages(pages)
    folder = Path(folder)
    with tempfile.TemporaryDirectory() as work:
        for width in SLIDE_WIDTHS:
            run([found.pdftoppm, "-jpeg", "-jpegopt", "quality=80,progressive=y",
                 "-scale-to-x", str(width), "-scale-to-y", "-1", str(pdf),
                 f"{work}/w{width}"], timeout)
        rendered = []
        for number in range(1, pages + 1):
            images = {}
            for width in SLIDE_WIDTHS:
                # pdftoppm pads the page number to the width of the last one.
                made = sorted(Path(work).glob(f"w{width}-*{number}.jpg"),
                              key=lambda p: len(p.name))
                made = [p for p in made if int(p.stem.rsplit("-", 1)[1]) == number]
                if not made:
                    raise MediaFailed(f"pdftoppm wrote no page {number}")
                name = f"{prefix}-{number}-{width}.jpg"
                shutil.move(made[0], folder / name)
                images[width] = name
            rendered.append(RenderedPage(number, images, jpeg_height(folder / images[1280]),
                                         page_text(found.pdftotext, pdf, number, timeout)))
    return rendered


def page_text(tool, pdf, number, timeout):
    if not tool:
        return ""
    text = run([tool, "-f", str(number), "-l", str(number), "-enc", "UTF-8", str(pdf), "-"],
               timeout).decode("utf-8", errors="replace")
    return re.sub(r"[ \t]+", " ", re.sub(r"\n\s*\n+", "\n\n", text.replace("\f", ""))).strip()


def jpeg_height(path):
    """The height of a baseline or progressive JPEG, from its SOF marker."""
    data = path.read_bytes()
    index = 2
    while index < len(data) - 9:
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            return int.from_bytes(data[index + 5:index + 7], "big")
        index += 2 + int.from_bytes(data[index + 2:index + 4], "big")
    return 0


# --- video ----------------------------------------------------------------------------------

def transcode(tool, source, target, poster, timeout):
    """Any video ffmpeg reads, as the small profile (360p, H.264/AAC, faststart), and a
    poster JPEG of its first second."""
    run([tool, "-nostdin", "-y", "-i", str(source), "-map", "0:v:0", "-map", "0:a:0?",
         "-vf", "scale=-2:'min(360,ih)',fps='min(25,source_fps)'", *VIDEO_PROFILE,
         "-preset", "veryfast", "-crf", "28", "-maxrate", "400k", "-bufsize", "800k",
         "-c:a", "aac", "-b:a", "64k", "-ac", "1", str(target)], timeout)
    run([tool, "-nostdin", "-y", "-ss", "1", "-i", str(target), "-frames:v", "1",
         "-q:v", "6", str(poster)], timeout)


@dataclass
class Card:
    """One picture of the demo guide video, and what the voice says on it."""
    kicker: str
    title: str
    body: str
    speech: str


def ffmpeg_text(path):
    # drawtext's own escaping of a file name inside a filter graph.
    return str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def draw_card(tool, card, school, folder, index, timeout):
    folder = Path(folder)
    texts = {"kicker": card.kicker, "title": "\n".join(textwrap.wrap(card.title, 30)),
             "body": "\n".join(textwrap.wrap(card.body, 48)[:7]), "school": school}
    for key, text in texts.items():
        (folder / f"{index}-{key}.txt").write_text(text, encoding="utf-8")

    def text(key, font, size, colour, y):
        return (f"drawtext=fontfile='{ffmpeg_text(font)}':"
                f"textfile='{ffmpeg_text(folder / f'{index}-{key}.txt')}':"
                f"fontsize={size}:fontcolor={colour}:line_spacing=6:x=40:y={y}")

    graph = ",".join([
        "drawbox=x=0:y=0:w=iw:h=44:color=0x07453f:t=fill",
        text("school", FONT_BOLD, 18, "white", 13),
        "drawbox=x=40:y=72:w=56:h=5:color=0xf2b705:t=fill",
        text("kicker", FONT_BOLD, 20, "0x0b5d55", 90),
        text("title", FONT_BOLD, 30, "0x1b1f23", 122),
        text("body", FONT, 19, "0x1b1f23", 122 + 40 * (texts["title"].count("\n") + 1) + 14),
    ])
    image = folder / f"card-{index}.png"
    run([tool, "-nostdin", "-y", "-f", "lavfi", "-i",
         f"color=c=white:s={VIDEO_WIDTH}x{VIDEO_HEIGHT}", "-vf", graph, "-frames:v", "1",
         str(image)], timeout)
    return image


def speak(tool, text, target, timeout):
    run([tool, "-v", "id", "-s", "180", "-w", str(target), text], timeout)
    with wave.open(str(target)) as sound:
        return sound.getnframes() / sound.getframerate()


def join_wavs(parts, target, pause=0.6):
    """The voice's parts one after another, with a short pause after each."""
    with wave.open(str(parts[0])) as first:
        params = first.getparams()
    silence = b"\x00" * int(params.framerate * pause) * params.sampwidth * params.nchannels
    with wave.open(str(target), "wb") as out:
        out.setparams(params)
        for part in parts:
            with wave.open(str(part)) as sound:
                out.writeframes(sound.readframes(sound.getnframes()))
            out.writeframes(silence)


def vtt_time(seconds):
    milliseconds = round(seconds * 1000)
    hours, rest = divmod(milliseconds, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def captions(cards, durations):
    """WebVTT: each card's speech, a sentence a cue, timed by its share of the letters."""
    lines, start = ["WEBVTT", ""], 0.0
    for card, duration in zip(cards, durations):
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", card.speech.strip()) if s]
        letters = sum(len(s) for s in sentences) or 1
        moment = start
        for sentence in sentences:
            length = duration * len(sentence) / letters
            lines += [f"{vtt_time(moment)} --> {vtt_time(moment + length)}",
                      "\n".join(textwrap.wrap(sentence, 42)), ""]
            moment += length
        start += duration
    return "\n".join(lines)


def guide_video(found, school, cards, folder, prefix, timeout=300):
    """The demo's guide video from `cards`: (mp4, poster jpg, vtt) file names in `folder`,
    and whether it speaks. Silent with captions when espeak-ng is missing."""
    folder = Path(folder)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        images = [draw_card(found.ffmpeg, card, school, work, index, timeout)
                  for index, card in enumerate(cards)]
        pause = 0.6
        if found.espeak:
            voices = [work / f"voice-{index}.wav" for index in range(len(cards))]
            durations = [speak(found.espeak, card.speech, voice, timeout) + pause
                         for card, voice in zip(cards, voices)]
            join_wavs(voices, work / "voice.wav", pause)
            audio = ["-i", str(work / "voice.wav")]
        else:
            # Reading time for the captions: about 14 letters a second.
            durations = [max(4.0, len(card.speech) / 14) for card in cards]
            audio = ["-f", "lavfi", "-t", f"{sum(durations):.2f}", "-i",
                     "anullsrc=r=22050:cl=mono"]
        listing = work / "cards.txt"
        entries = [f"file '{image}'\nduration {duration:.3f}"
                   for image, duration in zip(images, durations)]
        # The concat demuxer ignores the last entry's duration unless the file comes again.
        listing.write_text("\n".join(entries) + f"\nfile '{images[-1]}'\n")
        names = {kind: f"{prefix}.{kind}" for kind in ("mp4", "jpg", "vtt")}
        run([found.ffmpeg, "-nostdin", "-y", "-f", "concat", "-safe", "0", "-i", str(listing),
             *audio, "-vf", "fps=10,format=yuv420p", *VIDEO_PROFILE, "-preset", "veryfast",
             "-tune", "stillimage", "-crf", "28", "-g", "50",
             "-c:a", "aac", "-b:a", "48k", "-ac", "1", "-shortest",
             str(work / names["mp4"])], timeout)
        run([found.ffmpeg, "-nostdin", "-y", "-i", str(images[0]), "-q:v", "5",
             str(work / names["jpg"])], timeout)
        (work / names["vtt"]).write_text(captions(cards, durations), encoding="utf-8")
        for name in names.values():
            shutil.move(work / name, folder / name)
    return names, bool(found.espeak)
