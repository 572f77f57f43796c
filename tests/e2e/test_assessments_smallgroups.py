"""#17 section 1 in the browser: a homeroom teacher (1280x800) sees a closed questionnaire's
class results and nothing of an open one, never a counseling evaluation; a student without
a session (360x640) is never offered that evaluation."""

from playwright.sync_api import expect

from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login
from tests.e2e.test_assessments import share_with_class

DESKTOP = {"width": 1280, "height": 800}


def test_homeroom_teacher_sees_closed_results_and_nothing_of_an_open_questionnaire(new_page):
    page = new_page(viewport=DESKTOP, bypass_csp=True)
    login(page, "wali.7a")
    # The demo's first administration closed weeks ago; its class of 7A answered.
    page.goto("/wali/asesmen/1/kelas/1")
    expect(page.locator(".lead").first).to_contain_text("siswa mengirim jawaban")
    expect(page.locator("svg.as-bar").first).to_be_visible()
    assert axe_violations(page) == []
    # The problem checklist is still open: names of who has not answered, no results.
    page.goto("/wali/asesmen/3/kelas/1")
    expect(page.get_by_text("setelah angket ditutup")).to_be_visible()
    expect(page.locator("svg.as-bar")).to_have_count(0)
    assert axe_violations(page) == []


def test_counseling_evaluation_reaches_neither_homeroom_teacher_nor_a_student_without_session(
        new_page):
    counselor = new_page(viewport=DESKTOP)
    login(counselor, "guru.bk")
    title = "Evaluasi sesi uji peramban"
    path, _admin_url = share_with_class(counselor, "Evaluasi sesi konseling", title, "7B")

    teacher = new_page(viewport=DESKTOP, bypass_csp=True)
    login(teacher, "wali.7b")
    teacher.goto("/wali/asesmen")
    expect(teacher.get_by_role("heading", level=1)).to_be_visible()
    expect(teacher.get_by_text(title)).to_have_count(0)
    teacher.goto("/wali")
    expect(teacher.locator("main")).not_to_contain_text(title)
    assert axe_violations(teacher) == []

    student = new_page(bypass_csp=True)
    login(student, "siswa.7b.05")
    expect(student.locator("main")).not_to_contain_text(title)
    response = student.goto(path)
    assert response.status == 404
    student.goto("/asesmen/")
    expect(student.locator("main")).not_to_contain_text(title)
    assert axe_violations(student) == []
