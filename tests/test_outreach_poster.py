"""The posters (issue 22): every layout as PNG and PDF with a QR code that reads back as the
school's address, the school's colours with readable text, link previews, and the demo and
share texts with full links."""

import io
import random
import re
from pathlib import Path
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import zxingcpp
from PIL import Image

from cyberbk.common import colours
from cyberbk.extensions import db
from cyberbk.outreach import demo
from cyberbk.outreach import markup
from cyberbk.outreach import poster
from cyberbk.outreach import raster
from cyberbk.school.services import get_settings

PUBLIC_URL = "https://bk.smpn3pati.sch.id"
ROOT = Path(__file__).resolve().parents[1]
LAYOUTS = {"persegi": (1080, 1080), "story": (1080, 1920), "a4": (1654, 2339)}
TARGETS = {"aplikasi": PUBLIC_URL + "/", "kotak": PUBLIC_URL + "/kotak"}


@pytest.fixture
def public(app):
    app.config["OUTREACH_PUBLIC_URL"] = PUBLIC_URL


def qr_text(image):
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(found) == 1, "one QR code on the poster"
    return found[0].text


def pdf_page(data):
    """(width, height) of the PDF's one page in points, and the picture drawn on it."""
    assert data.startswith(b"%PDF-")
    assert len(re.findall(rb"/Type\s*/Page(?!s)", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    stream = re.search(rb"/DCTDecode.*?stream\r?\n", data, re.S)
    end = data.index(b"endstream", stream.end())
    picture = Image.open(io.BytesIO(data[stream.end():end]))
    return (float(box[1]), float(box[2])), picture


def rgb(colour):
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def set_colours(client, auth, primary, accent, **extra):
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={
        "name": "SMP Negeri 3 Pati", "primary_colour": primary, "accent_colour": accent, **extra})
    auth.logout()
    return response


# --- every layout, PNG and PDF, QR code read back ------------------------------------------

@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_renders_to_png_with_a_readable_qr_code(client, school, public, layout,
                                                             target):
    response = client.get("/poster.png", query_string={"bentuk": layout, "tujuan": target})
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == LAYOUTS[layout]
    assert qr_text(image) == TARGETS[target]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_renders_to_a_one_page_pdf_with_a_readable_qr_code(client, school, public,
                                                                       layout):
    response = client.get("/poster.pdf", query_string={"bentuk": layout, "tujuan": "kotak",
                                                       "unduh": 1})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=poster-bk-{layout}.pdf")
    (width, height), picture = pdf_page(response.data)
    assert picture.size == LAYOUTS[layout]
    assert qr_text(picture) == TARGETS["kotak"]
    if layout == "a4":  # 210 × 297 mm
        assert abs(width - 595.3) < 1 and abs(height - 841.9) < 1


def test_png_download_is_named_after_its_layout(client, school):
    response = client.get("/poster.png?bentuk=story&unduh=1")
    assert response.headers["Content-Disposition"] == "attachment; filename=poster-bk-story.png"
    assert "no-store" not in response.headers["Cache-Control"]


def test_unknown_choices_give_the_square_poster_to_the_app(client, school, public):
    response = client.get("/poster.png?bentuk=raksasa&tujuan=ke-mana")
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1080, 1080) and qr_text(image) == TARGETS["aplikasi"]


def test_qr_code_falls_back_to_the_address_the_server_was_reached_on(client, school):
    response = client.get("/poster.png?tujuan=kotak", base_url="http://sekolah.test")
    assert qr_text(Image.open(io.BytesIO(response.data))) == "http://sekolah.test/kotak"


# --- the school's colours, name and logo ----------------------------------------------------

def test_colours_from_the_settings_are_on_the_poster(client, auth, school):
    assert set_colours(client, auth, "#7A1F5C", "#35c4f0").status_code == 303
    settings = get_settings()
    assert (settings.primary_colour, settings.accent_colour) == ("#7a1f5c", "#35c4f0")
    image = Image.open(io.BytesIO(client.get("/poster.png?bentuk=story").data)).convert("RGB")
    assert image.getpixel((5, image.height // 2)) == rgb("#7a1f5c")
    # The story's numbered circles are in the accent colour.
    assert rgb("#35c4f0") in {colour for _, colour in image.getcolors(1 << 20)}


@pytest.mark.parametrize("bad", ["merah", "#12345", "#GGGGGG", "rgb(1,2,3)", "#1234567"])
def test_a_colour_that_is_no_hex_code_is_refused_in_indonesian(client, auth, school, bad):
    response = set_colours(client, auth, bad, "#f2b632")
    assert response.status_code == 400
    assert "Warna ditulis dengan kode heksadesimal 6 digit, misalnya #0b5d55." in (
        response.get_data(as_text=True))
    assert get_settings().primary_colour == "#0b5d55"


def test_settings_page_offers_colour_pickers(client, auth, school):
    auth.login("operator")
    page = client.get("/admin/pengaturan").get_data(as_text=True)
    assert re.search(r'<input[^>]*id="primary_colour"[^>]*type="color"[^>]*value="#0b5d55"', page)
    assert re.search(r'<input[^>]*id="accent_colour"[^>]*type="color"', page)


def test_text_colour_reaches_wcag_aa_on_any_colour():
    chance = random.Random(22)
    samples = ["#ffffff", "#000000", "#777777", "#808080", "#f2b632", "#0b5d55", "#ff0000"]
    samples += ["#%06x" % chance.randrange(1 << 24) for _ in range(2000)]
    for background in samples:
        assert colours.contrast(colours.text_on(background), background) >= 4.5, background
    assert colours.text_on("#0b5d55") == colours.WHITE
    assert colours.text_on("#f5e663") == colours.INK


def header_colours(data):
    """The colours of the square poster's top band right of the school's mark, where its name
    and the headline sit (the QR code is lower down)."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    return {colour for _, colour in image.crop((200, 0, 1080, 430)).getcolors(1 << 20)}


def test_headline_turns_to_ink_on_a_light_colour(client, auth, school):
    assert rgb(colours.WHITE) in header_colours(client.get("/poster.png").data)
    assert set_colours(client, auth, "#f5e663", "#0b5d55").status_code == 303
    found = header_colours(client.get("/poster.png").data)
    assert rgb(colours.INK) in found and rgb(colours.WHITE) not in found


def test_school_logo_is_on_the_poster_and_a_plain_mark_without_it(app, client, auth, school):
    def red_pixels():
        image = Image.open(io.BytesIO(client.get("/poster.png").data)).convert("RGB")
        return sum(count for count, colour in image.getcolors(1 << 20) if colour == (220, 0, 0))

    assert red_pixels() == 0
    logo = io.BytesIO()
    Image.new("RGB", (200, 200), (220, 0, 0)).save(logo, "PNG")
    auth.login("operator")
    response = client.post("/admin/pengaturan", data={
        "name": "SMP Negeri 3 Pati", "logo": (io.BytesIO(logo.getvalue()), "logo.png")},
        content_type="multipart/form-data")
    assert response.status_code == 303
    assert red_pixels() > 5000


def test_a_logo_that_does_not_open_leaves_the_plain_mark(app, client, school):
    uploads = Path(app.instance_path) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    (uploads / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    get_settings().logo_filename = "logo.png"
    db.session.commit()
    assert client.get("/poster.png").status_code == 200


def test_any_school_name_and_headline_draw(client, auth, school):
    get_settings().name = "SMA Tunas Bangsa 🌱 Pāti – “Kampus Hijau” " + "Panjang " * 20
    db.session.commit()
    auth.login("guru.a")
    client.post("/bk/outreach/poster", data={"headline": "Sekolah​Kita " * 30,
                                            "tagline": "Ada BK."})
    for layout in LAYOUTS:
        assert client.get(f"/poster.png?bentuk={layout}").status_code == 200


def test_poster_is_drawn_again_after_its_text_changes(client, auth, school):
    before = client.get("/poster.png").data
    auth.login("guru.a")
    client.post("/bk/outreach/poster", data={"headline": "Yuk cerita!", "tagline": "BK ada."})
    assert client.get("/poster.png").data != before


def test_posters_are_drawn_off_the_loop_and_once(client, auth, school, monkeypatch):
    ran = []

    def spy(function, *args, pool=None):
        ran.append(function.__name__)
        return function(*args)

    monkeypatch.setattr(poster, "off_loop", spy)
    auth.login("guru.a")
    client.post("/bk/outreach/poster", data={"headline": "Sekali saja", "tagline": "BK ada."})
    for _ in range(2):
        assert client.get("/poster.png?bentuk=a4").status_code == 200
        assert client.get("/poster.pdf?bentuk=a4").status_code == 200
    assert ran == ["png_bytes", "pdf_bytes"]


def test_printable_keeps_what_the_font_has():
    assert raster.printable("Pāti – “ok” 🌱") == "Pati – “ok” "


# --- the poster page ------------------------------------------------------------------------

def test_poster_page_offers_layouts_targets_a_preview_and_downloads(client, school, public):
    page = client.get("/poster?bentuk=story&tujuan=kotak").get_data(as_text=True)
    for layout in LAYOUTS:
        assert f'name="bentuk" id="bentuk-{layout}" value="{layout}"' in page
    assert 'id="bentuk-story" value="story" aria-describedby="bentuk-story-hint" checked' in page
    assert 'id="tujuan-kotak" value="kotak" checked' in page
    assert '<img src="/poster.png?bentuk=story&amp;tujuan=kotak" width="1080" height="1920"' in page
    assert 'href="/poster.png?bentuk=story&amp;tujuan=kotak&amp;unduh=1"' in page
    assert 'href="/poster.pdf?bentuk=story&amp;tujuan=kotak&amp;unduh=1"' in page
    assert f"Kode QR menuju {PUBLIC_URL}/kotak" in page


# --- link previews ----------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/", "/layanan", "/panduan", "/kotak", "/materi"])
def test_public_pages_preview_with_the_square_poster_at_the_schools_address(client, school,
                                                                           public, url):
    page = client.get(url).get_data(as_text=True)
    assert f'<meta property="og:image" content="{PUBLIC_URL}/poster.png">' in page
    assert '<meta property="og:image:width" content="1080">' in page
    assert '<meta property="og:image:height" content="1080">' in page


# --- demo texts and share texts -------------------------------------------------------------

BARE_PATH = re.compile(r">/(kotak|jadwal|panduan|layanan|materi|poster)\b")


def test_demo_lesson_shows_full_links_on_its_page_and_slides(client, school, public):
    demo.seed()
    db.session.commit()
    for url in ("/materi/mengenal-layanan-bk", "/materi/mengenal-layanan-bk/slide"):
        page = client.get(url).get_data(as_text=True)
        assert not BARE_PATH.search(page), url
        assert f'<a href="{PUBLIC_URL}/kotak" rel="noopener noreferrer nofollow">{PUBLIC_URL}/kotak</a>' in page
        assert f">{PUBLIC_URL}/jadwal</a>" in page and f">{PUBLIC_URL}/panduan</a>" in page


def test_only_links_that_show_their_own_path_are_written_out():
    html = markup.render("[/kotak](/kotak) [kotak masalah](/kotak) [x](//evil.example) "
                         "[//evil.example](//evil.example)", base="https://bk.test")
    assert '<a href="https://bk.test/kotak" rel="noopener noreferrer nofollow">https://bk.test/kotak</a>' in html
    assert '<a href="/kotak" rel="noopener noreferrer nofollow">kotak masalah</a>' in html
    assert "https://bk.test//" not in html


def test_seeded_texts_show_no_bare_path_on_the_pages_they_fill(client, school, public):
    for url in ("/", "/layanan", "/panduan", "/kotak", "/materi", "/poster"):
        assert not BARE_PATH.search(client.get(url).get_data(as_text=True)), url


@pytest.mark.parametrize("url,words", [
    ("/", "Layanan BK daring"), ("/layanan", "Kenali layanan BK"),
    ("/panduan", "Panduan konseling daring"), ("/kotak", "Tulis di kotak masalah"),
    ("/materi", "Materi dari Guru BK"),
])
def test_public_pages_share_to_whatsapp_with_a_full_link(client, school, public, url, words):
    page = client.get(url).get_data(as_text=True)
    link = re.search(r'<a class="button button-secondary" href="(https://wa\.me/\?text=[^"]+)"'
                     r' rel="noopener noreferrer">Bagikan ke WhatsApp</a>', page)
    assert link, url
    text = parse_qs(urlsplit(link[1].replace("&amp;", "&")).query)["text"][0]
    first, address = text.split("\n")
    assert words in first and "Sekolah Kami" in first
    assert address == PUBLIC_URL + url


# --- the poster's typeface stays off student pages ------------------------------------------

def test_poster_font_is_read_by_the_poster_code_only(client, auth, school):
    fonts = {path.name for path in (ROOT / "static" / "poster").glob("*.ttf")}
    assert fonts and (ROOT / "static" / "poster" / "OFL.txt").is_file()
    names = ("PlusJakarta", "Plus Jakarta", "static/poster", "poster/Plus")
    served = [path for folder in ("templates", "static/css", "static/js")
              for path in (ROOT / folder).rglob("*") if path.is_file()]
    for path in served:
        text = path.read_text(errors="ignore")
        assert not any(name in text for name in names), path
    auth.login("siswa.a")
    for url in ("/", "/kotak", "/layanan", "/panduan", "/materi", "/siswa/"):
        page = client.get(url, follow_redirects=True).get_data(as_text=True)
        assert "PlusJakarta" not in page and ".ttf" not in page and "@font-face" not in page
