"""Outreach: Markdown and slides, service page, guide, materials, poster, QR codes, share kit."""

import io
import random
import re
from datetime import timedelta
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest
import segno

from cyberbk.audit.models import AuditEntry
from cyberbk.common import signals
from cyberbk.common.schooltime import utcnow
from cyberbk.common.vocabulary import ServiceField
from cyberbk.extensions import db
from cyberbk.outreach import markup
from cyberbk.outreach import plans
from cyberbk.outreach import services
from cyberbk.outreach.models import Material
from cyberbk.outreach.models import MaterialStatus
from cyberbk.outreach.models import ServicePlan
from cyberbk.outreach.models import VideoSource

PUBLIC_URL = "https://bk.smpn3pati.sch.id"


def make_material(slug="mengenal-bk", title="Mengenal BK", body="# Halo\n\nIsi.", published=True,
                  **extra):
    material = Material(slug=slug, title=title, body=body, **extra)
    services.set_published(material, published)
    db.session.add(material)
    db.session.commit()
    return material


# --- Markdown sanitising --------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "<script>alert('x')</script>",
    "Halo <SCRIPT src=//evil.example/x.js></SCRIPT>",
    "```\nok\n```\n\n<script>document.cookie</script>",
])
def test_markdown_strips_scripts_and_their_content(text):
    html = str(markup.render(text))
    assert "<script" not in html.lower()
    assert "alert" not in html and "document.cookie" not in html


@pytest.mark.parametrize("text", [
    '<img src="/x.png" onerror="alert(1)">',
    '<a href="https://example.org" onclick="alert(1)">tautan</a>',
    '<p onmouseover="alert(1)">teks</p>',
    '<svg onload="alert(1)"></svg>',
    '<b style="color:red" onfocus=alert(1)>tebal</b>',
])
def test_markdown_strips_event_handlers_and_styles(text):
    html = str(markup.render(text))
    assert not re.search(r"\son\w+\s*=", html, re.I)
    assert "style=" not in html
    assert "alert" not in html


@pytest.mark.parametrize("text", [
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    '<a href="javascript:alert(1)">klik</a>',
    '<a href="&#106;avascript:alert(1)">klik</a>',
    '<a href=" javascript:alert(1)">klik</a>',
    "[klik](data:text/html;base64,PHNjcmlwdD4=)",
    "[klik](vbscript:msgbox(1))",
])
def test_markdown_strips_dangerous_links(text):
    html = str(markup.render(text))
    assert "javascript" not in html.lower()
    assert "data:" not in html and "vbscript" not in html
    assert "klik" in html


def test_markdown_keeps_the_formatting_counselors_use():
    html = str(markup.render(
        "## Judul\n\n**tebal** dan *miring*\n\n- satu\n- dua\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "[situs](https://kemdikbud.go.id) [surel](mailto:bk@sekolah.sch.id) [hubungi](tel:129) "
        "[kotak](/kotak)"))
    assert "<h3>Judul</h3>" in html
    assert "<strong>tebal</strong>" in html and "<em>miring</em>" in html
    assert "<li>satu</li>" in html and "<td>1</td>" in html
    for href in ("https://kemdikbud.go.id", "mailto:bk@sekolah.sch.id", "tel:129", "/kotak"):
        assert f'href="{href}"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_markdown_shows_images_from_this_server_only():
    html = str(markup.render("![foto](/media/lampiran/3) ![luar](https://evil.example/p.png) "
                             "![protokol](//evil.example/p.png)"))
    assert 'src="/media/lampiran/3"' in html
    assert "evil.example" not in html


def test_markdown_headings_sit_below_the_page_title():
    assert "<h2>Satu</h2>" in str(markup.render("# Satu"))
    assert "<h3>Satu</h3>" in str(markup.render("# Satu", heading_shift=2))
    assert "<h6>Enam</h6>" in str(markup.render("###### Enam"))


# --- slides ---------------------------------------------------------------------------------------

def test_slides_split_on_lines_of_dashes():
    text = "# Satu\nisi\n---\n## Dua\n\n----\n\n## Tiga\n---   \n"
    assert markup.split_slides(text) == ["# Satu\nisi", "## Dua", "## Tiga"]


def test_slides_ignore_dashes_inside_fenced_code_and_within_text():
    text = "Satu\n\n```\n---\n```\nmasih satu --- di tengah kalimat\n---\nDua"
    assert markup.split_slides(text) == ["Satu\n\n```\n---\n```\nmasih satu --- di tengah kalimat",
                                         "Dua"]


def test_slides_drop_empty_ones_and_accept_windows_line_ends():
    assert markup.split_slides("---\r\n\r\nA\r\n---\r\n---\r\nB\r\n") == ["A", "B"]
    assert markup.split_slides("") == []


def test_material_page_joins_the_slides_with_a_rule():
    html = str(markup.render_page("Satu\n---\nDua"))
    assert html == "<p>Satu</p><hr><p>Dua</p>"


def test_slides_page_has_one_section_per_slide(client, school):
    make_material(body="# Satu\n---\n# Dua\n---\n# Tiga")
    page = client.get("/materi/mengenal-bk/slide").get_data(as_text=True)
    assert page.count('class="op-slide"') == 3
    assert 'id="slide-3"' in page
    assert 'href="#slide-2"' in page


def test_material_page_never_serves_a_counselors_script(client, auth, school):
    auth.login("guru.a")
    client.post("/bk/materi/baru", data={"title": "Uji", "slug": "uji",
                                         "body": "Halo<script>alert(1)</script>\n---\n"
                                                 "[x](javascript:alert(2))", "plan_id": ""})
    material = db.session.scalar(db.select(Material).where(Material.slug == "uji"))
    client.post(f"/bk/materi/{material.id}/terbitkan")
    auth.logout()
    for url in ("/materi/uji", "/materi/uji/slide"):
        page = client.get(url).get_data(as_text=True)
        assert "alert(" not in page and "javascript:" not in page


# --- materials: drafts and publishing -------------------------------------------------------------

def test_counselor_writes_a_draft_then_publishes_it(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/materi/baru", data={"title": "Peran Guru BK", "slug": "",
                                                    "summary": "Kenalan", "body": "Isi",
                                                    "plan_id": ""})
    assert response.status_code == 303
    material = db.session.scalar(db.select(Material))
    assert material.slug == "peran-guru-bk" and material.status == MaterialStatus.DRAFT
    auth.logout()
    assert client.get("/materi/peran-guru-bk").status_code == 404
    assert "Peran Guru BK" not in client.get("/materi").get_data(as_text=True)
    auth.login("guru.a")
    assert client.get("/materi/peran-guru-bk").status_code == 200
    assert client.post(f"/bk/materi/{material.id}/terbitkan").status_code == 303
    auth.logout()
    assert client.get("/materi/peran-guru-bk").status_code == 200
    assert "Peran Guru BK" in client.get("/materi").get_data(as_text=True)


@pytest.mark.parametrize("person", ["siswa.a", "wali.a", "operator"])
def test_draft_material_does_not_exist_for_anyone_but_counselors(client, auth, school, person):
    make_material(published=False)
    auth.login(person)
    for url in ("/materi/mengenal-bk", "/materi/mengenal-bk/slide"):
        assert client.get(url).status_code == 404


def test_material_slug_must_be_unique_and_tidy(client, auth, school):
    make_material()
    auth.login("guru.a")
    taken = client.post("/bk/materi/baru", data={"title": "Lain", "slug": "mengenal-bk",
                                                 "body": "", "plan_id": ""})
    untidy = client.post("/bk/materi/baru", data={"title": "Lain", "slug": "Huruf Besar!",
                                                  "body": "", "plan_id": ""})
    assert taken.status_code == untidy.status_code == 400
    assert "sudah dipakai" in taken.get_data(as_text=True)
    assert "huruf kecil" in untidy.get_data(as_text=True)


def test_suggested_slug_avoids_taken_ones(app, school):
    make_material(slug="mengenal-bk")
    assert services.suggest_slug("Mengenal BK") == "mengenal-bk-2"
    assert services.suggest_slug("Çara belajar   efektif!") == "cara-belajar-efektif"


# --- service page and guide -----------------------------------------------------------------------

def test_service_page_shows_builtin_texts_until_counselors_write_their_own(client, auth, school):
    page = client.get("/layanan").get_data(as_text=True)
    assert "Peran Guru BK" in page and "Satu batas kerahasiaan" in page
    auth.login("guru.a")
    client.post("/bk/outreach/layanan", data={"about": "BK di sekolah kita **ramah**.",
                                              "counselor_role": "", "principles": "",
                                              "reach": ""})
    auth.logout()
    page = client.get("/layanan").get_data(as_text=True)
    assert "BK di sekolah kita <strong>ramah</strong>." in page
    assert "Satu batas kerahasiaan" in page


def test_saving_the_builtin_text_unchanged_keeps_it_translatable(app, client, auth, school):
    auth.login("guru.a")
    form = client.get("/bk/outreach/layanan").get_data(as_text=True)
    assert "Bimbingan dan konseling (BK) adalah" in form
    settings = services.get_settings()
    services.save_service_text(settings, "about", services.service_text(settings, "about"))
    assert settings.about == ""


def test_guide_shows_the_builtin_steps_and_the_counselors_own(client, auth, school):
    page = client.get("/panduan").get_data(as_text=True)
    assert page.count('class="op-step"') == 5
    assert "Isi data awal dan persetujuan" in page
    auth.login("guru.a")
    data = {f"steps-{i}-{name}": "" for i in range(8) for name in ("title", "body")}
    data.update({f"steps-{i}-icon": "masuk" for i in range(8)})
    data.update({"steps-0-title": "Masuk", "steps-0-body": "Pakai akun sekolah.",
                 "steps-1-title": "Ngobrol", "steps-1-icon": "chat"})
    assert client.post("/bk/panduan", data=data).status_code == 303
    page = client.get("/panduan").get_data(as_text=True)
    assert page.count('class="op-step"') == 2 and "Pakai akun sekolah." in page


def test_guide_editor_refuses_an_empty_guide_and_an_unknown_icon(client, auth, school):
    auth.login("guru.a")
    data = {f"steps-{i}-{name}": "" for i in range(8) for name in ("title", "body")}
    data.update({f"steps-{i}-icon": "masuk" for i in range(8)})
    assert client.post("/bk/panduan", data=data).status_code == 400
    data.update({"steps-0-title": "Masuk", "steps-0-icon": "<script>"})
    response = client.post("/bk/panduan", data=data)
    assert response.status_code == 400
    assert "tidak ada di daftar" in response.get_data(as_text=True)


@pytest.mark.parametrize("link,video_id", [
    ("https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s", "dQw4w9WgXcQ"),
    ("youtube.com/watch?v=dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://m.youtube.com/shorts/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("dQw4w9WgXcQ", "dQw4w9WgXcQ"),
    ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
    ("https://youtu.be/pendek", None),
    ("javascript:alert(1)", None),
    ("https://www.youtube.com/watch?v=dQw4w9WgXc%22", None),
])
def test_youtube_links_are_reduced_to_the_video_id(link, video_id):
    assert services.youtube_id_from(link) == video_id


def test_youtube_video_is_a_light_placeholder_until_tapped(client, auth, school):
    auth.login("guru.a")
    assert client.post("/bk/panduan/youtube",
                       data={"link": "https://youtu.be/dQw4w9WgXcQ"}).status_code == 303
    auth.logout()
    page = client.get("/panduan").get_data(as_text=True)
    assert "op-video-placeholder" in page
    assert "<iframe" not in page
    assert "youtube.com" not in page and "youtube-nocookie.com" not in page and "ytimg" not in page
    assert 'href="/panduan?putar=1#video"' in page
    tapped = client.get("/panduan?putar=1").get_data(as_text=True)
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1' in tapped
    assert tapped.count('class="op-step"') == 5


def test_tap_by_htmx_gets_the_player_alone(client, school):
    settings = services.get_settings()
    services.set_youtube(settings, "dQw4w9WgXcQ")
    db.session.commit()
    response = client.get("/panduan?putar=1", headers={"HX-Request": "true",
                                                       "HX-Target": "video"})
    body = response.get_data(as_text=True)
    assert body.strip().startswith('<div id="video"')
    assert "<iframe" in body and "<html" not in body


def test_without_an_embed_origin_youtube_is_only_linked(app, client, auth, school):
    app.config["OUTREACH_YOUTUBE_ORIGIN"] = ""
    settings = services.get_settings()
    services.set_youtube(settings, "dQw4w9WgXcQ")
    db.session.commit()
    page = client.get("/panduan?putar=1").get_data(as_text=True)
    assert "<iframe" not in page
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in page
    auth.login("guru.a")
    assert client.post("/bk/panduan/youtube",
                       data={"link": "https://youtu.be/dQw4w9WgXcQ"}).status_code == 400


def test_guide_steps_are_readable_without_any_video(client, school):
    assert services.get_settings().video_source == VideoSource.NONE
    db.session.commit()
    page = client.get("/panduan").get_data(as_text=True)
    assert "<video" not in page and "op-video" not in page
    assert "Pilih waktu" in page


# --- poster, QR codes and link previews -----------------------------------------------------------

def freshly_encoded_svg(url):
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", scale=6, border=2,
                                                 xmldecl=False, dark="#1b1f23", light="#ffffff")
    return buffer.getvalue()


def test_qr_image_encodes_a_page_of_this_app_only(app, client, school):
    app.config["OUTREACH_PUBLIC_URL"] = PUBLIC_URL
    response = client.get("/qr.svg?u=/kotak")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.data == freshly_encoded_svg(PUBLIC_URL + "/kotak")
    for bad in ("https://evil.example/", "//evil.example", "/tidak-ada", "/kotak?x=1",
                "/bahasa", ""):
        assert client.get("/qr.svg", query_string={"u": bad}).status_code == 404


def test_qr_address_falls_back_to_the_requested_host(client, school):
    response = client.get("/qr.svg?u=/panduan", base_url="http://sekolah.test")
    assert response.data == freshly_encoded_svg("http://sekolah.test/panduan")


def test_poster_uses_the_counselors_texts(client, auth, school):
    auth.login("guru.a")
    client.post("/bk/outreach/poster", data={"headline": "Yuk cerita!", "tagline": "BK ada."})
    auth.logout()
    page = client.get("/poster").get_data(as_text=True)
    assert "Yuk cerita!" in page


OG_PAGES = ["/", "/layanan", "/panduan", "/materi", "/materi/mengenal-bk",
            "/materi/mengenal-bk/slide", "/poster", "/kotak"]


@pytest.mark.parametrize("url", OG_PAGES)
def test_public_pages_have_link_preview_tags(client, school, url):
    make_material(summary="Ringkasan materi")
    page = client.get(url).get_data(as_text=True)
    # X reads title and image from the og: tags: only its card is a tag of its own.
    for tag in ("og:title", "og:description", "og:url", "og:type", "og:image", "twitter:card"):
        assert re.search(rf'(property|name)="{tag}" content="[^"]+"', page), tag
    assert '<meta property="og:image" content="http://localhost/poster.png">' in page
    assert f'<meta property="og:url" content="http://localhost{url}">' in page


def test_material_preview_carries_its_own_title_and_summary(client, school):
    make_material(summary="Kenali Guru BK-mu")
    page = client.get("/materi/mengenal-bk").get_data(as_text=True)
    assert '<meta property="og:title" content="Mengenal BK">' in page
    assert '<meta property="og:description" content="Kenali Guru BK-mu">' in page


def test_default_preview_title_is_the_school_name(client, school):
    page = client.get("/").get_data(as_text=True)
    assert '<meta property="og:title" content="Sekolah Kami">' in page


@pytest.mark.parametrize("url", ["/", "/layanan", "/panduan", "/materi", "/materi/mengenal-bk",
                                 "/materi/mengenal-bk/slide", "/poster"])
def test_public_pages_are_light_and_load_nothing_from_outside(client, school, url):
    make_material(body="\n---\n".join(f"## Slide {n}\n\nIsi slide {n}." for n in range(8)))
    page = client.get(url).get_data(as_text=True)
    assert len(page.encode()) < 16 * 1024
    for attribute in re.findall(r'\s(?:src|href)="([^"]+)"', page):
        assert not attribute.startswith(("http:", "https:", "//")) or "wa.me" in attribute \
            or attribute.startswith("http://localhost"), attribute
    assert not re.search(r'\sstyle="|\son[a-z]+="|<script>', page)


# --- share kit ------------------------------------------------------------------------------------

def open_questionnaire(school_class, title="Kebutuhan layanan & minat"):
    from cyberbk.assessments import services as assessments

    instrument = assessments.ensure_builtin_instruments()["kebutuhan-layanan"]
    return assessments.create_administration(
        instrument, None, title, utcnow() - timedelta(days=1), utcnow() + timedelta(days=5),
        "classes", class_ids=[school_class.id], slug="kebutuhan-7a")


def test_share_kit_messages_are_encoded_whole_in_the_whatsapp_link(app, school):
    app.config["OUTREACH_PUBLIC_URL"] = PUBLIC_URL
    open_questionnaire(school["class_a"])
    with app.test_request_context():
        kit = services.share_kit(school["homeroom_a"])
    keys = [item.key for item in kit]
    assert keys[:2] == ["kotak", "jadwal"] and keys[-2:] == ["panduan", "poster"]
    for item in kit:
        parts = urlsplit(item.whatsapp)
        assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/")
        assert parse_qs(parts.query, keep_blank_values=True) == {"text": [item.message]}
        assert "\n" in item.message and item.message.endswith(item.url)
        assert item.url.startswith(PUBLIC_URL + "/")
        assert " " not in parts.query and "&" not in parts.query and "\n" not in parts.query
    questionnaire = next(item for item in kit if item.key.startswith("angket-"))
    assert "Kebutuhan layanan & minat" in questionnaire.message
    assert questionnaire.url == PUBLIC_URL + "/asesmen/kebutuhan-7a"
    assert kit[0].message.startswith("Halo, anak-anak kelas 7A!")


def test_share_kit_offers_only_the_teachers_own_class_questionnaires(app, school):
    open_questionnaire(school["class_a"])
    with app.test_request_context():
        theirs = [item.key for item in services.share_kit(school["homeroom_b"])]
    assert not any(key.startswith("angket-") for key in theirs)


def test_homeroom_home_carries_the_share_kit(client, auth, school):
    auth.login("wali.a")
    page = client.get("/wali").get_data(as_text=True)
    assert page.count('href="https://wa.me/?text=') == 4
    assert 'readonly>' in page and "data-copy=" in page
    assert '/qr.svg?u=/kotak' in page
    assert "js/outreach.js" in page


def test_student_home_links_the_guide_and_material(client, auth, school):
    auth.login("siswa.a")
    page = client.get("/siswa").get_data(as_text=True)
    assert 'href="/panduan"' in page and 'href="/materi"' in page


def test_home_page_shows_the_three_ways_in_and_keeps_login_and_crisis_contacts(client, school):
    from cyberbk.school.services import ensure_default_crisis_contacts

    ensure_default_crisis_contacts()
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    for href in ("/kotak", "/jadwal", "/login", "/layanan", "/panduan", "/materi", "/poster"):
        assert f'href="{href}"' in page
    assert "SAPA 129" in page and ">Masuk<" in page


# --- RPL ------------------------------------------------------------------------------------------

PLAN = {"title": "Mengenal BK", "class_id": "", "semester": "Ganjil 2025/2026",
        "component": "basic", "field": "pribadi", "function": "Pemahaman",
        "general_goal": "Siswa memahami BK.", "specific_goals": "1. A\n2. B", "topic": "BK",
        "target_group": "Kelas 7", "method": "Diskusi", "duration": "1 × 40 menit",
        "media": "Slide", "held_on": "2025-08-20", "sources": "Permendikbud 111/2014",
        "opening": "Salam", "core": "Materi", "closing": "Doa",
        "process_evaluation": "Antusiasme", "outcome_evaluation": "Laiseg"}


def test_counselor_writes_an_rpl_and_attaches_it_to_public_material(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/rpl/baru", data=PLAN)
    assert response.status_code == 303
    plan = db.session.scalar(db.select(ServicePlan))
    assert plan.field == ServiceField.PERSONAL and plan.held_on.isoformat() == "2025-08-20"
    printable = client.get(f"/bk/rpl/{plan.id}").get_data(as_text=True)
    for text in ("Rencana Pelaksanaan Layanan", "Tujuan khusus", "Tahap inti", "Evaluasi hasil",
                 "20 Agustus 2025", "Layanan dasar", "Pribadi"):
        assert text in printable
    make_material(plan=plan)
    auth.logout()
    assert "RPL: Mengenal BK" in client.get("/materi/mengenal-bk").get_data(as_text=True)
    assert "Tahap penutup" in client.get("/materi/mengenal-bk/rpl").get_data(as_text=True)


def test_rpl_form_refuses_unknown_choices(client, auth, school):
    auth.login("guru.a")
    response = client.post("/bk/rpl/baru", data={**PLAN, "component": "rahasia"})
    assert response.status_code == 400
    assert "tidak ada di daftar" in response.get_data(as_text=True)


def test_rpl_of_material_without_one_is_404(client, school):
    make_material()
    assert client.get("/materi/mengenal-bk/rpl").status_code == 404


def test_rpl_prefill_from_a_class_needs_profile(app, client, auth, school):
    from cyberbk.assessments.demo import add_response
    from cyberbk.assessments.demo import understanding_answers

    administration = open_questionnaire(school["class_a"])
    add_response(administration, school["student_a"],
                 understanding_answers(administration, random.Random(3), (1, 1, 1, 1), 0.5),
                 random.Random(3))
    db.session.commit()
    auth.login("guru.a")
    page = client.get(f"/bk/rpl/baru?kelas={school['class_a'].id}").get_data(as_text=True)
    assert "Bimbingan klasikal kelas 7A" in page
    assert "Siswa kelas 7A" in page
    assert "%" not in re.sub(r"<[^>]+>", "", page.split('id="title"', 1)[1])
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.target_type
                                                          == "class_profile"))
    assert entry.target_id == str(school["class_a"].id)


def test_rpl_prefill_maps_the_standout_area_to_its_field(app, school, monkeypatch):
    class Area:
        def __init__(self, code, title):
            self.code, self.title = code, title

    administration = type("Adm", (), {"title": "AUM", "closes_at": utcnow(),
                                      "instrument": type("I", (), {"builtin_key": None})})
    # The assessments feature's answer to signals.class_needs, for a class with AUM results.
    monkeypatch.setattr(signals, "answer", lambda signal, school_class: [{
        "administration": administration,
        "areas": [(Area("PDP", "Belajar dan pelajaran"), None), (Area("HSO", "Teman"), None)]}])
    with app.test_request_context():
        values = plans.values_from_profile(school["class_a"])
    assert values["field"] == ServiceField.LEARNING
    assert values["topic"] == "Belajar dan pelajaran"
    assert "Teman" in values["specific_goals"]


def test_rpl_prefill_without_results_says_so(client, auth, school):
    auth.login("guru.a")
    response = client.get(f"/bk/rpl/baru?kelas={school['class_b'].id}")
    assert response.status_code == 200
    assert "belum punya hasil angket" in response.get_data(as_text=True)


def test_deleting_an_rpl_leaves_its_material_without_one(client, auth, school):
    plan = ServicePlan(title="RPL lama")
    material = make_material(plan=plan)
    auth.login("guru.a")
    assert client.post(f"/bk/rpl/{plan.id}/hapus").status_code == 303
    db.session.expire_all()
    assert db.session.get(Material, material.id).plan_id is None
    assert client.get("/materi/mengenal-bk/rpl").status_code == 404
