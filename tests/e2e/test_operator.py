"""A counselor account the operator imports opens nothing until a counselor confirms it on
their home (issue 17 §4), on a laptop's screen."""

from tests.e2e.conftest import login

LAPTOP = {"width": 1280, "height": 800}
NEW_PASSWORD = "sandi-guru-baru-1"


def test_counselor_confirms_a_new_counselor_account_on_their_home(new_page, tmp_path):
    operator = new_page(viewport=LAPTOP)
    login(operator, "admin")
    csv_file = tmp_path / "guru-bk.csv"
    csv_file.write_text("nama,peran\nYuni Astuti,guru bk\n")
    operator.goto("/admin/impor")
    operator.get_by_label("Berkas daftar siswa dan guru (.csv atau .xlsx)").set_input_files(
        str(csv_file))
    operator.get_by_role("button", name="Periksa dan impor").click()
    slip = operator.locator(".slip", has_text="Yuni Astuti")
    username = slip.locator("code").nth(0).inner_text()
    password = slip.locator("code.secret").inner_text()

    newcomer = new_page(viewport=LAPTOP)
    login(newcomer, username, password)
    newcomer.get_by_label("Kata sandi sekarang").fill(password)
    newcomer.get_by_label("Kata sandi baru", exact=True).fill(NEW_PASSWORD)
    newcomer.get_by_label("Ulangi kata sandi baru").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Simpan kata sandi").click()
    assert newcomer.get_by_role("heading", name="Akun Anda menunggu konfirmasi").is_visible()
    newcomer.goto("/bk/kotak")
    assert newcomer.get_by_role("heading", name="Akun Anda menunggu konfirmasi").is_visible()

    counselor = new_page(viewport=LAPTOP)
    login(counselor, "guru.bk")
    pending = counselor.get_by_role("region", name="Akun Guru BK menunggu konfirmasi")
    assert pending.get_by_text(username).is_visible()
    pending.get_by_role("button", name="Konfirmasi Yuni Astuti sebagai Guru BK").click()
    assert counselor.get_by_text("Akun Guru BK Yuni Astuti sudah dikonfirmasi.").is_visible()
    assert counselor.get_by_role("region", name="Akun Guru BK menunggu konfirmasi").count() == 0

    newcomer.goto("/bk/kotak")
    assert newcomer.get_by_role("heading", name="Akun Anda menunggu konfirmasi").count() == 0
    newcomer.goto("/bk")
    assert newcomer.get_by_role("heading", name="Beranda Guru BK").is_visible()

    # The operator sees both halves in the audit log: their import, the counselor's word.
    operator.goto("/admin/audit")
    rows = operator.locator("tbody tr")
    assert rows.filter(has_text="Rina Kurniawati").filter(
        has_text="Mengonfirmasi akun Guru BK").count() == 1
    # At least one: the browser tests share one server, and others import accounts too.
    assert rows.filter(has_text="Operator Sekolah").filter(has_text="Mengimpor akun").count() >= 1
