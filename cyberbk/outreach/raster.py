"""Drawing the posters with Pillow: the poster's own typeface (static/poster/), smooth
circles and cards, a QR code in whole pixels, written out as PNG or PDF.

WhatsApp and Instagram want a raster image (WhatsApp ignores an SVG og:image), and a
school printer takes a PDF; both come from the one picture drawn here.
"""

import io
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image
from PIL import ImageDraw
from PIL import ImageFont

from ..common.colours import rgb

#: Plus Jakarta Sans (SIL OFL), subset to these characters: static/poster/README.md.
FONT_DIR = Path(__file__).resolve().parents[2] / "static" / "poster"
WEIGHTS = {"regular": "PlusJakartaSans-400.ttf", "bold": "PlusJakartaSans-700.ttf",
           "heavy": "PlusJakartaSans-800.ttf"}
COVERED = (set(range(0x20, 0x7F)) | set(range(0xA0, 0x100)) - {0xAD}
           | {0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2026})
#: Shapes are drawn this many times larger and scaled down, for smooth edges.
SMOOTH = 4


@lru_cache(maxsize=64)
def font(weight, size):
    return ImageFont.truetype(str(FONT_DIR / WEIGHTS[weight]), max(int(size), 1))


def printable(text):
    """The text with characters the subset lacks replaced: accents kept where the font has
    the letter, dropped otherwise ("ā" as "a"), anything else (emoji) left out."""
    out = []
    for char in text:
        if ord(char) in COVERED:
            out.append(char)
        else:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if ord(c) in COVERED)
    return "".join(out)


def wrap(text, face, width, balanced=False):
    """Lines of `text` no wider than `width` in `face`; a word too long for a line stays
    whole. Balanced: as many lines, of even length, with no word left alone on the last."""
    # Split on plain spaces only: a no-break space holds a term together ("Guru BK").
    words = [word for word in re.split(r"[ \t\r\n]+", printable(text)) if word]
    lines = _greedy(words, face, width)
    if balanced and len(lines) > 1:
        narrow, wide = width / len(lines), width
        for _ in range(10):  # the narrowest width that still needs no more lines
            middle = (narrow + wide) / 2
            if len(_greedy(words, face, middle)) > len(lines):
                narrow = middle
            else:
                wide = middle
        lines = _greedy(words, face, wide)
    return lines


def _greedy(words, face, width):
    lines, current = [], ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and face.getlength(candidate) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


class Canvas:
    def __init__(self, width, height, background):
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width, height), rgb(background))
        self.draw = ImageDraw.Draw(self.image)

    def rect(self, x, y, width, height, colour, radius=0):
        x, y, width, height = round(x), round(y), round(width), round(height)
        if not radius:
            self.draw.rectangle((x, y, x + width - 1, y + height - 1), fill=rgb(colour))
            return
        self._smooth(x, y, width, height, colour,
                     lambda d, box: d.rounded_rectangle(box, radius * SMOOTH, fill=255))

    def circle(self, cx, cy, radius, colour):
        side = round(radius * 2)
        self._smooth(round(cx - radius), round(cy - radius), side, side, colour,
                     lambda d, box: d.ellipse(box, fill=255))

    def _smooth(self, x, y, width, height, colour, shape):
        mask = Image.new("L", (width * SMOOTH, height * SMOOTH), 0)
        shape(ImageDraw.Draw(mask), (0, 0, width * SMOOTH - 1, height * SMOOTH - 1))
        mask = mask.resize((width, height), Image.Resampling.LANCZOS)
        self.image.paste(rgb(colour), (x, y, x + width, y + height), mask)

    def text(self, x, y, text, face, colour, anchor="la"):
        self.draw.text((x, y), printable(text), font=face, fill=rgb(colour), anchor=anchor)

    def lines(self, x, y, lines, face, colour, leading, align="left", width=0):
        """Draw `lines` from `y` (top of the first line's em box) `leading` apart; returns
        the y below the last line."""
        for line in lines:
            if align == "centre":
                self.text(x + width / 2, y, line, face, colour, anchor="ma")
            else:
                self.text(x, y, line, face, colour)
            y += leading
        return y

    def qr(self, x, y, side, code, dark, light):
        """The code on a `light` square of at most `side`, modules a whole number of pixels
        (a scanner reads sharp edges best) with a quiet zone of 2; returns the side drawn."""
        rows = list(code.matrix_iter(border=2))
        module = max(int(side // len(rows)), 1)
        drawn = module * len(rows)
        x, y = round(x + (side - drawn) / 2), round(y + (side - drawn) / 2)
        self.rect(x, y, drawn, drawn, light)
        for row, modules in enumerate(rows):
            for column, is_dark in enumerate(modules):
                if is_dark:
                    self.draw.rectangle((x + column * module, y + row * module,
                                         x + (column + 1) * module - 1,
                                         y + (row + 1) * module - 1), fill=rgb(dark))
        return drawn

    def picture(self, path, x, y, side):
        """An uploaded image (the school's logo) fitted into a `side` square; False when the
        file cannot be read, so the caller draws its plain mark instead."""
        try:
            with Image.open(path) as source:
                picture = source.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError):
            return False
        picture.thumbnail((side, side), Image.Resampling.LANCZOS)
        left = round(x + (side - picture.width) / 2)
        top = round(y + (side - picture.height) / 2)
        self.image.paste(picture, (left, top), picture)
        return True

    def png(self):
        buffer = io.BytesIO()
        self.image.save(buffer, "PNG", optimize=True)
        return buffer.getvalue()

    def pdf(self, dpi, title):
        """One page the size of the picture at `dpi` (A4 at 200 dpi is an A4 page)."""
        buffer = io.BytesIO()
        self.image.save(buffer, "PDF", resolution=dpi, quality=92, title=title,
                        producer="CyberBK")
        return buffer.getvalue()
