"""The posters: A4 for the notice board, a square for Instagram and WhatsApp status, a 9:16
story; each with the school's name and logo, a headline, three numbered steps and a QR code
to the app or to the problem box, in the school's colours (school settings)."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

from ..common.scheduling import off_loop
from ..school.services import get_settings as school_settings
from . import services

@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    hint: str
    width: int
    height: int
    #: The PDF page is the picture at this resolution: A4 at 200 dpi is 210 × 297 mm.
    dpi: int


LAYOUTS = {layout.key: layout for layout in (
    Layout("persegi", _l("Persegi"), _l("1080 × 1080, untuk Instagram, status WhatsApp, dan "
                                        "pratinjau tautan."), 1080, 1080, 144),
    Layout("story", _l("Story 9:16"), _l("1080 × 1920, untuk story Instagram dan status "
                                         "WhatsApp layar penuh."), 1080, 1920, 144),
    Layout("a4", _l("A4 tegak"), _l("Untuk dicetak dan ditempel di papan pengumuman."),
           1654, 2339, 200),
)}
DEFAULT_LAYOUT = "persegi"


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    endpoint: str
    caption: str
    steps: tuple


TARGETS = {target.key: target for target in (
    Target("aplikasi", _l("Aplikasi layanan BK"), "main.index",
           _l("Pindai untuk membuka layanan BK"), (
               (_l("Pindai kode QR"), _l("Atau ketik alamatnya di browser HP-mu.")),
               (_l("Pilih caranya"), _l("Tulis di kotak masalah, atau pilih jadwal chat dan "
                                        "video.")),
               (_l("Guru BK menanggapi"), _l("Rahasia, gratis, dan atas kemauanmu sendiri.")),
           )),
    Target("kotak", _l("Kotak masalah"), "problembox.new",
           _l("Pindai untuk menulis di kotak masalah"), (
               (_l("Pindai kode QR"), _l("Kotak masalah terbuka di HP-mu, tanpa perlu masuk.")),
               (_l("Tulis ceritamu"), _l("Tanpa nama juga boleh. Simpan kode yang muncul.")),
               (_l("Baca balasannya"), _l("Buka lagi dengan kodemu untuk membaca balasan "
                                          "Guru BK.")),
           )),
)}
DEFAULT_TARGET = "aplikasi"
SUBTITLE = _l("Layanan BK daring")
FOOTER = _l("Rahasia · Gratis · Atas kemauanmu sendiri")
#: Terms a line never breaks inside, in any headline or step.
UNBROKEN = ("Guru BK",)


def unbroken(text):
    for term in UNBROKEN:
        text = text.replace(term, term.replace(" ", "\u00a0"))
    return text


def short(url):
    """An address without the scheme, as people type it."""
    return url.split("://", 1)[-1].rstrip("/")


@dataclass(frozen=True)
class Design:
    """Everything a poster picture depends on, so that it is drawn once per change."""

    layout: Layout
    school: str
    #: The logo's path and its modification time, or None for the plain mark.
    logo: tuple | None
    primary: str
    accent: str
    headline: str
    tagline: str
    steps: tuple
    url: str
    caption: str
    subtitle: str
    footer: str

    @property
    def short_url(self):
        return short(self.url)


def pick(mapping, key, default):
    return mapping.get(key) or mapping[default]


def design(layout_key=DEFAULT_LAYOUT, target_key=DEFAULT_TARGET):
    """The poster for the school as its settings are now (in a request: the address comes
    from services.public_url)."""
    school = school_settings()
    target = pick(TARGETS, target_key, DEFAULT_TARGET)
    headline, tagline = services.poster_texts()
    logo = None
    if school.logo_filename:
        path = Path(current_app.instance_path) / "uploads" / school.logo_filename
        if path.is_file():
            logo = (str(path), path.stat().st_mtime)
    return Design(
        layout=pick(LAYOUTS, layout_key, DEFAULT_LAYOUT), school=school.name, logo=logo,
        primary=school.primary_colour, accent=school.accent_colour, headline=unbroken(headline),
        tagline=unbroken(tagline),
        steps=tuple((unbroken(str(title)), unbroken(str(text))) for title, text in target.steps),
        url=services.public_url(target.endpoint), caption=str(target.caption),
        subtitle=str(SUBTITLE), footer=str(FOOTER))


def filename(data, extension):
    return f"poster-bk-{data.layout.key}.{extension}"


# Drawing takes a core up to a second or so (an A4 page): in a native thread, so that the
# worker's other requests go on meanwhile. Pillow is imported on the first poster drawn,
# not when a worker starts: few requests draw one, and each worker would carry its memory
# (tests/test_hardening_dependencies.py).

@lru_cache(maxsize=8)
def png(data):
    return off_loop(png_bytes, data)


@lru_cache(maxsize=8)
def pdf(data):
    return off_loop(pdf_bytes, data)


def png_bytes(data):
    from .artwork import draw

    return draw(data).png()


def pdf_bytes(data):
    from .artwork import draw

    return draw(data).pdf(data.layout.dpi, data.headline)
