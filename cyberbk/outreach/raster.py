"""A tiny palette canvas written out as PNG, with a 5x7 pixel font.

WhatsApp and Instagram want a raster image (WhatsApp ignores an SVG og:image), and
the school server should not need an imaging library for one square picture of
flat colours, capitals and a QR code.
"""

import struct
import unicodedata
import zlib

# Rows of 5 pixels, top to bottom; bit 0x10 is the leftmost pixel.
FONT = {
    "A": "0e11111f111111", "B": "1e11111e11111e", "C": "0e11101010110e", "D": "1c12111111121c",
    "E": "1f10101e10101f", "F": "1f10101e101010", "G": "0e11101711110f", "H": "1111111f111111",
    "I": "0e04040404040e", "J": "0702020202120c", "K": "11121418141211", "L": "1010101010101f",
    "M": "111b1515111111", "N": "11111915131111", "O": "0e11111111110e", "P": "1e11111e101010",
    "Q": "0e11111115120d", "R": "1e11111e141211", "S": "0f10100e01011e", "T": "1f040404040404",
    "U": "1111111111110e", "V": "11111111110a04", "W": "1111111515150a", "X": "11110a040a1111",
    "Y": "1111110a040404", "Z": "1f01020408101f",
    "0": "0e11131519110e", "1": "040c040404040e", "2": "0e11010204081f", "3": "1f02040201110e",
    "4": "02060a121f0202", "5": "1f101e0101110e", "6": "0608101e11110e", "7": "1f010204080808",
    "8": "0e11110e11110e", "9": "0e11110f01020c",
    " ": "00000000000000", ".": "00000000000c0c", ",": "000000000c0408", "-": "0000001f000000",
    "/": "00010204081000", ":": "000c0c000c0c00", "!": "04040404000004", "?": "0e110102040004",
    "'": "0c040800000000", "(": "02040808080402", ")": "08040202020408", "&": "0c12140815120d",
    "+": "0004041f040400", "@": "0e11010d15150e", "_": "0000000000001f",
}
GLYPH_WIDTH, GLYPH_HEIGHT, ADVANCE = 5, 7, 6
FALLBACK = {"–": "-", "—": "-", "‘": "'", "’": "'", "“": "'", "”": "'", "·": "-"}


def printable(text):
    """The text as the font can draw it: capitals, accents dropped, unknown signs as spaces."""
    text = "".join(FALLBACK.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return "".join(ch if ch in FONT else " " for ch in text)


def text_width(text, scale):
    return max(len(text) * ADVANCE - 1, 0) * scale


class Canvas:
    def __init__(self, width, height, palette, background=0):
        self.width, self.height = width, height
        self.palette = palette
        self.rows = [bytearray([background]) * width for _ in range(height)]

    def rect(self, x, y, width, height, color):
        x0, x1 = max(x, 0), min(x + width, self.width)
        if x1 <= x0:
            return
        fill = bytes([color]) * (x1 - x0)
        for row in self.rows[max(y, 0):max(min(y + height, self.height), 0)]:
            row[x0:x1] = fill

    def text(self, x, y, text, scale, color):
        """Draw `text` (already `printable`) with its top left corner at (x, y)."""
        for index, char in enumerate(text):
            left = x + index * ADVANCE * scale
            pattern = bytes.fromhex(FONT[char])
            for line, bits in enumerate(pattern):
                for column in range(GLYPH_WIDTH):
                    if bits & (0x10 >> column):
                        self.rect(left + column * scale, y + line * scale, scale, scale, color)

    def centred_text(self, y, text, scale, color):
        self.text((self.width - text_width(text, scale)) // 2, y, text, scale, color)

    def png(self):
        def chunk(kind, data):
            return (struct.pack(">I", len(data)) + kind + data
                    + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 3, 0, 0, 0)
        palette = b"".join(bytes.fromhex(colour.lstrip("#")) for colour in self.palette)
        # Filter type 0 (none) on every row: flat colours compress well without filters.
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"PLTE", palette)
                + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
