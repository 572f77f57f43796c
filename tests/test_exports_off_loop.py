"""Exports are written in a native thread (#23 §2): building a workbook or a ZIP takes the
worker up to a second, during which, on the event loop, no other request would move.

Spied, not timed: the spy records what went through `off_loop` and runs it as before."""

import io
import zipfile

import pytest
from openpyxl import load_workbook

from cyberbk.assessments import export
from cyberbk.dashboard import reports
from cyberbk.dashboard import student_data
from tests import test_assessments_results as assessments
from tests.test_dashboard import service_data  # noqa: F401  (fixture)
from tests.test_dashboard_datacare import two_students  # noqa: F401  (fixture)


@pytest.fixture
def off_loop(monkeypatch):
    ran = []

    def spy(function, *args, pool=None):
        ran.append(function.__name__)
        return function(*args)

    for module in (export, reports, student_data):
        monkeypatch.setattr(module, "off_loop", spy)
    return ran


def test_a_questionnaires_xlsx_and_csv_are_written_off_the_loop(client, auth, school, off_loop):
    instrument = assessments.helpers.make_instrument()
    administration = assessments.helpers.give(instrument, [school["class_a"]])
    auth.login("guru.a")
    xlsx = client.get(f"/bk/asesmen/{administration.id}/ekspor.xlsx")
    csv = client.get(f"/bk/asesmen/{administration.id}/ekspor.csv")
    assert off_loop == ["workbook_bytes", "csv_bytes"]
    assert load_workbook(io.BytesIO(xlsx.data)).active.max_row == 1  # the header, no answer yet
    assert csv.data.startswith("\ufeff".encode())


def test_the_service_reports_xlsx_is_written_off_the_loop(client, auth, service_data, off_loop):
    auth.login("guru.a")
    response = client.get("/bk/laporan.xlsx?periode=2025-08")
    assert response.status_code == 200 and off_loop == ["_workbook"]


def test_a_students_data_zip_is_written_off_the_loop(client, auth, two_students, off_loop):
    auth.login("guru.a")
    response = client.get(f"/data-siswa/{two_students['student_a'].id}/ekspor.zip")
    assert off_loop == ["zip_bytes"]
    assert "profil.json" in zipfile.ZipFile(io.BytesIO(response.data)).namelist()
