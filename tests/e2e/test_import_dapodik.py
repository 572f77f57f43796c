"""The operator's preview of a Dapodik roster (issue 20 §1), on a laptop's screen. Not
applied here: the browser tests share one demo school."""

from tests.data import make_dapodik
from tests.e2e.conftest import axe_violations
from tests.e2e.conftest import login

LAPTOP = {"width": 1280, "height": 800}


def test_operator_sees_the_preview_of_a_dapodik_export(new_page, tmp_path):
    operator = new_page(viewport=LAPTOP, bypass_csp=True)
    login(operator, "admin")
    operator.goto("/admin/impor")
    operator.get_by_label("Berkas daftar siswa dan guru").set_input_files(
        str(make_dapodik.FIRST_FILE))
    operator.get_by_role("button", name="Periksa dan impor").click()
    # On a busy machine the reading outlasts the POST: the progress page polls, then reloads.
    operator.get_by_role("heading", name="Pratinjau data Dapodik").wait_for(timeout=60_000)
    assert operator.get_by_role("heading", name="Siswa baru (60)").is_visible()
    # The demo school's students are not in the file: the page warns before anything is done.
    assert operator.get_by_role("alert").filter(has_text="separuh siswa aktif").is_visible()
    assert operator.get_by_role("button", name="Terapkan perubahan").first.is_visible()
    # No column scrolls the page sideways at 1280 px.
    assert operator.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    operator.screenshot(path=str(tmp_path / "pratinjau-dapodik.png"))
    operator.locator("#keluar-judul").scroll_into_view_if_needed()
    operator.screenshot(path=str(tmp_path / "pratinjau-dapodik-keluar.png"))
    assert axe_violations(operator) == []
    operator.get_by_role("link", name="Batal").first.click()
    assert operator.get_by_role("heading", name="Impor siswa dan guru").is_visible()
