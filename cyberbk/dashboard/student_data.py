"""A student's data on request (access and erasure under Indonesia's personal data
protection law, UU 27/2022).

Who may do what, decided here:
- A counselor's export holds what that counselor may open on the pages, record by
  record, as booking.models.may_open decides: their own cases and bookings, and what a
  handover shared with them; never a case another counselor holds, whatever booking,
  request or referral links the student to this counselor. A counselor who may open
  none of the student's cases or bookings gets the account part, like the operator.
  Any counselor can erase, because an erasure must be weighed against an
  open case (it is refused while one is open) and reveals nothing.
- The operator (admin) exports only what admins may see anyway: the account, the class
  and the parents' consent record; never bookings, cases, answers or chats.

Other features add their files by their own rules (signals.student_export): the TPPK
lane's reports about the student go only into the export of a counselor who is a TPPK
member, as only members open them on the lane's pages (tppk.models.may_open); the
operator's export and a non-member's hold none.

What cannot be exported is what the app never linked to the student: anonymous
problem-box reports, anonymous violence reports to the TPPK and answers to anonymous
questionnaires. Counselors' private notes
are their working notes and are left out of the export.
"""

import io
import json
import secrets
import zipfile

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_babel import gettext as _

from ..accounts.models import Role
from ..accounts.models import SchoolClass
from ..accounts.models import StudentProfile
from ..accounts.models import User
from ..accounts.services import set_active
from ..assessments.models import Participation
from ..assessments.models import Response
from ..booking.models import Booking
from ..booking.models import BookingStatus
from ..booking.models import CaseStatus
from ..booking.models import CounselingCase
from ..booking.models import Intake
from ..booking.models import Referral
from ..booking.models import SessionRecord
from ..casebook.models import Anecdote
from ..casebook.models import CaseEntry
from ..casebook.models import Conference
from ..casebook.models import ConferenceFollowUp
from ..casebook.models import HomeVisit
from ..casebook.models import OutwardReferral
from ..chat.models import ChatMessage
from ..chat.models import ChatRoom
from ..common import signals
from ..common.cells import to_csv
from ..common.scheduling import off_loop
from ..common.schooltime import to_local
from ..common.schooltime import utcnow
from ..extensions import db
from ..problembox.models import ProblemReport
from ..sociometry.models import SociometryAnswer
from ..sociometry.models import SociometryChoice
from .models import ParentConsent

ERASED_PREFIX = "terhapus-"


class NotAllowed(Exception):
    """str(error) is the message for the counselor."""


def counseled_by(counselor, student_id):
    """SQL: the student `student_id` (a value, or a column to correlate with) has a case
    or a booking that `counselor` may open (may_open)."""
    return sa.or_(
        sa.exists().where(CounselingCase.student_id == student_id,
                          CounselingCase.open_to(counselor.id)),
        sa.exists().where(Booking.student_id == student_id, Booking.open_to(counselor.id)))


def counsels(counselor, student):
    """True when `counselor` may open one of `student`'s cases or bookings."""
    return db.session.scalar(sa.select(counseled_by(counselor, student.id)))


def is_erased(student):
    return student.username.startswith(ERASED_PREFIX) and not student.is_active_account


def local(moment):
    return to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def enum_value(value):
    return value.value if value is not None else ""


# --- what the export holds ------------------------------------------------------------

def profile(student):
    info = student.student_profile
    consent = db.session.get(ParentConsent, student.id)
    return {
        "username": student.username,
        "nama": student.full_name,
        "kelas": student.school_class.name if student.school_class else None,
        "tingkat": student.school_class.grade if student.school_class else None,
        "nis": info.nis if info else None,
        "nisn": info.nisn if info else None,
        "jenis_kelamin": enum_value(info.gender) if info and info.gender else None,
        "tanggal_lahir": info.birth_date.isoformat() if info and info.birth_date else None,
        "telepon": student.phone,
        "akun_aktif": student.is_active_account,
        "akun_dibuat": local(student.created_at),
        "terakhir_masuk": local(student.last_login_at),
        "persetujuan_orang_tua_diterima": consent.received_on.isoformat() if consent else None,
    }


def bookings_csv(student, counselor):
    rows = db.session.execute(
        sa.select(Booking, User.full_name, Intake)
        .join(User, User.id == Booking.counselor_id)
        .outerjoin(Intake, Intake.booking_id == Booking.id)
        .where(Booking.student_id == student.id, Booking.open_to(counselor.id))
        .order_by(Booking.starts_at)).all()
    return to_csv(
        ["id", "mulai", "selesai", "guru_bk", "cara", "bidang", "status", "waktu_pegang_hp",
         "pesan_guru_bk", "kesediaan_versi", "kesediaan_pada", "data_awal_cerita",
         "pernah_dibantu", "merasa_tidak_aman"],
        [(b.id, local(b.starts_at), local(b.ends_at), held_by, enum_value(b.mode),
          enum_value(b.field), enum_value(b.status), b.phone_times, b.counselor_message,
          b.consent_version, local(b.consented_at),
          intake.description if intake else "", enum_value(intake.help_before) if intake else "",
          ("ya" if intake.feels_unsafe else "tidak") if intake else "")
         for b, held_by, intake in rows])


def cases_csv(student, counselor):
    rows = db.session.execute(
        sa.select(CounselingCase, User.full_name)
        .join(User, User.id == CounselingCase.counselor_id)
        .where(CounselingCase.student_id == student.id, CounselingCase.open_to(counselor.id))
        .order_by(CounselingCase.opened_at)).all()
    return to_csv(["id", "guru_bk", "dibuka", "ditutup", "status", "hasil", "catatan_penutup"],
                  [(c.id, held_by, local(c.opened_at), local(c.closed_at), enum_value(c.status),
                    enum_value(c.outcome), c.closing_note) for c, held_by in rows])


def records_csv(student, counselor):
    records = db.session.scalars(
        sa.select(SessionRecord).join(CounselingCase)
        .where(CounselingCase.student_id == student.id, SessionRecord.open_to(counselor.id))
        .order_by(SessionRecord.held_at)).all()
    return to_csv(
        ["kasus", "waktu", "cara", "bidang", "topik", "ringkasan", "teknik", "tindak_lanjut",
         "pemahaman", "perasaan", "tindakan"],
        [(r.case_id, local(r.held_at), enum_value(r.mode), enum_value(r.field), r.topic,
          r.summary, r.technique, r.follow_up, r.laiseg_understanding, r.laiseg_comfort,
          r.laiseg_action) for r in records])


def referrals_csv(student, counselor):
    rows = db.session.execute(
        sa.select(Referral, User.full_name)
        .outerjoin(User, User.id == Referral.referrer_id)
        .where(Referral.student_id == student.id, Referral.open_to(counselor.id))
        .order_by(Referral.created_at)).all()
    return to_csv(["tanggal", "dirujuk_oleh", "alasan", "status"],
                  [(local(r.created_at), referrer, r.reason, enum_value(r.status))
                   for r, referrer in rows])


def case_rows(model, student, counselor, order):
    """The student's case records of one kind that `counselor` may open (CaseOwned.open_to)."""
    return db.session.scalars(
        sa.select(model).join(CounselingCase, CounselingCase.id == model.case_id)
        .where(CounselingCase.student_id == student.id, model.open_to(counselor.id))
        .order_by(order, model.id)).all()


def case_book_csv(student, counselor):
    return to_csv(["kasus", "tanggal", "boleh_dibagikan", "isi"],
                  [(e.case_id, e.written_on.isoformat(), "ya" if e.shareable else "tidak", e.body)
                   for e in case_rows(CaseEntry, student, counselor, CaseEntry.written_on)])


def anecdotes_csv(student, counselor):
    rows = db.session.scalars(
        sa.select(Anecdote).where(Anecdote.student_id == student.id,
                                  Anecdote.readable_condition(counselor))
        .order_by(Anecdote.observed_on, Anecdote.id)).all()
    return to_csv(["tanggal", "tempat_situasi", "pengamatan", "tafsiran", "ditulis_oleh"],
                  [(a.observed_on.isoformat(), a.setting, a.observation, a.interpretation,
                    a.author.full_name if a.author else "") for a in rows])


def conferences_csv(student, counselor):
    rows = []
    for c in case_rows(Conference, student, counselor, Conference.held_on):
        follow_ups = "; ".join(
            f"{f.action} ({f.owner}{', ' + f.due_on.isoformat() if f.due_on else ''})"
            for f in c.follow_ups)
        participants = ", ".join(p.user.full_name for p in c.participants)
        rows.append((c.case_id, c.held_on.isoformat(), c.place, participants,
                     c.other_participants, c.discussion, c.summary, c.agreements, follow_ups))
    return to_csv(["kasus", "tanggal", "tempat", "peserta_akun", "peserta_lain",
                   "yang_disampaikan", "ringkasan", "kesepakatan", "tindak_lanjut"], rows)


def visits_csv(student, counselor):
    return to_csv(
        ["kasus", "rencana", "tujuan", "yang_berkunjung", "alamat", "status", "dilaksanakan",
         "bertemu_dengan", "hasil", "kesepakatan"],
        [(v.case_id, v.planned_on.isoformat(), v.purpose, v.visitors, v.address,
          enum_value(v.status), v.visited_on.isoformat() if v.visited_on else "", v.met_with,
          v.findings, v.agreements)
         for v in case_rows(HomeVisit, student, counselor, HomeVisit.planned_on)])


def outward_referrals_csv(student, counselor):
    return to_csv(
        ["kasus", "tujuan", "kepada", "alasan", "yang_dibagikan", "persetujuan_oleh",
         "persetujuan_tanggal", "status", "dikirim", "balasan", "tanggal_balasan"],
        [(r.case_id, enum_value(r.receiver), r.addressee, r.reason, r.shared,
          enum_value(r.consent_by), r.consent_on.isoformat() if r.consent_on else "",
          enum_value(r.status), r.sent_on.isoformat() if r.sent_on else "", r.reply,
          r.reply_on.isoformat() if r.reply_on else "")
         for r in case_rows(OutwardReferral, student, counselor, OutwardReferral.created_at)])


def reports_csv(student):
    """Problem-box reports the student chose to send with their name, with their threads."""
    reports = db.session.scalars(
        sa.select(ProblemReport).where(ProblemReport.author_id == student.id)
        .options(so.selectinload(ProblemReport.messages))
        .order_by(ProblemReport.created_at, ProblemReport.id)).all()
    rows = []
    for report in reports:
        rows.append((report.id, local(report.created_at), "siswa", report.body))
        rows += [(report.id, local(m.created_at), "Guru BK" if m.from_counselor else "siswa",
                  m.body) for m in report.messages]
    return to_csv(["laporan", "waktu", "dari", "isi"], rows)


def answers_csv(student):
    """Answers the student gave with their name: questionnaires, and the classmates they
    named in a sociometry (every feature's part of signals.student_answers)."""
    return to_csv(["angket", "dikirim", "pertanyaan", "jawaban"],
                  [(title, local(submitted_at), question, answer)
                   for title, submitted_at, question, answer
                   in signals.collect(signals.student_answers, student)])


def chat_csv(student, counselor):
    rows = db.session.execute(
        sa.select(Booking.id, ChatMessage.created_at, ChatMessage.from_counselor,
                  ChatMessage.body)
        .join(ChatRoom, ChatRoom.id == ChatMessage.room_id)
        .join(Booking, Booking.id == ChatRoom.booking_id)
        .where(Booking.student_id == student.id, Booking.open_to(counselor.id))
        .order_by(Booking.id, ChatMessage.id)).all()
    return to_csv(["jadwal", "waktu", "dari", "isi"],
                  [(booking_id, local(at), "Guru BK" if from_counselor else "siswa", body)
                   for booking_id, at, from_counselor, body in rows])


def readme(student, counselor, feature_files=()):
    lines = [
        _("Data pribadi siswa: %(name)s", name=student.full_name),
        _("Dibuat: %(when)s", when=local(utcnow())),
        "",
        _("profil.json: akun, kelas, NIS, dan catatan persetujuan orang tua."),
    ]
    if counselor is not None:
        lines += [
            _("jadwal.csv: jadwal konseling beserta data awal yang diisi siswa."),
            _("kasus.csv dan catatan_sesi.csv: berkas kasus dan catatan sesi (tanpa catatan "
              "pribadi Guru BK)."),
            _("rujukan.csv: rujukan dari wali kelas."),
            _("buku_kasus.csv, anekdot.csv, konferensi_kasus.csv, kunjungan_rumah.csv dan "
              "alih_tangan_kasus.csv: catatan kasus lainnya."),
            _("kotak_masalah.csv: laporan kotak masalah yang dikirim dengan nama, beserta "
              "balasannya."),
            _("angket.csv: jawaban angket yang diisi dengan nama, dan teman yang dipilih "
              "siswa di sosiometri."),
            _("chat.csv: pesan chat sesi konseling."),
            *(f"{file.name}: {file.about}" for file in feature_files),
            "",
            _("Tidak termasuk: laporan kotak masalah tanpa nama dan jawaban angket anonim, "
              "karena aplikasi memang tidak menyimpan siapa pengirimnya."),
            _("Data konseling di sini hanya yang dipegang %(name)s, Guru BK yang mengekspor. "
              "Kasus yang dipegang Guru BK lain hanya bisa diekspor oleh Guru BK tersebut.",
              name=counselor.full_name),
        ]
    else:
        lines += [*(f"{file.name}: {file.about}" for file in feature_files),
                  "", _("Ekspor operator sekolah: hanya data akun. Data konseling hanya bisa "
                        "diekspor oleh Guru BK.")]
    return "\n".join(lines) + "\n"


def export_zip(student, counselor=None, reader=None):
    """One student's data as a ZIP of readable files: for `counselor`, with the counseling
    records that counselor may open (may_open, record by record); without one, only the
    parts an admin may see. `reader`: the counselor who exports, also when none of the
    counseling is theirs: other features add what they open to them (a TPPK member's
    lane), by their own rules (signals.student_export)."""
    reader = reader or counselor
    feature_files = (signals.collect(signals.student_export, student, counselor=reader)
                     if reader is not None else [])
    files = {"LIHAT-SAYA.txt": readme(student, counselor, feature_files),
             "profil.json": json.dumps(profile(student), ensure_ascii=False, indent=2)}
    if counselor is not None:
        files.update({
            "jadwal.csv": bookings_csv(student, counselor),
            "kasus.csv": cases_csv(student, counselor),
            "catatan_sesi.csv": records_csv(student, counselor),
            "rujukan.csv": referrals_csv(student, counselor),
            "buku_kasus.csv": case_book_csv(student, counselor),
            "anekdot.csv": anecdotes_csv(student, counselor),
            "konferensi_kasus.csv": conferences_csv(student, counselor),
            "kunjungan_rumah.csv": visits_csv(student, counselor),
            "alih_tangan_kasus.csv": outward_referrals_csv(student, counselor),
            "kotak_masalah.csv": reports_csv(student), "angket.csv": answers_csv(student),
            "chat.csv": chat_csv(student, counselor),
        })
    files.update({file.name: file.text for file in feature_files})
    # Compressing in a native thread: the other requests of the worker go on meanwhile.
    return off_loop(zip_bytes, files), [file.name for file in feature_files]


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def summary(student, counselor):
    """How many records of each kind the export of `counselor` holds (for the page), and
    whether the student has an open case (anyone's: it holds back the erasure)."""
    cases = sa.select(CounselingCase.id).where(CounselingCase.student_id == student.id)
    counts = db.session.execute(sa.select(
        sa.select(sa.func.count(Booking.id))
        .where(Booking.student_id == student.id, Booking.open_to(counselor.id))
        .scalar_subquery(),
        sa.select(sa.func.count(CounselingCase.id))
        .where(CounselingCase.student_id == student.id, CounselingCase.open_to(counselor.id))
        .scalar_subquery(),
        sa.select(sa.func.count(SessionRecord.id))
        .where(SessionRecord.case_id.in_(cases), SessionRecord.open_to(counselor.id))
        .scalar_subquery(),
        sa.select(sa.func.count(Response.id)).where(Response.user_id == student.id,
                                                    Response.submitted_at.is_not(None))
        .scalar_subquery(),
        sa.select(sa.func.count(ProblemReport.id)).where(ProblemReport.author_id == student.id)
        .scalar_subquery(),
        sa.select(sa.func.count(CounselingCase.id))
        .where(CounselingCase.student_id == student.id,
               CounselingCase.status == CaseStatus.OPEN).scalar_subquery(),
    )).one()
    keys = ("bookings", "cases", "records", "answers", "reports", "open_cases")
    return dict(zip(keys, counts, strict=True))


# --- erasure -------------------------------------------------------------------------------

def erase(student):
    """Anonymise one student: what identifies them or what they told goes, while every
    count the reports and results are made of stays.

    Kept: the account row (renamed, deactivated, class kept, so per-class counts hold),
    questionnaire answers (without the link to the student; each response keeps its own
    class and gender), and the dates, modes and bidang of bookings and session records.
    Removed: name, username, NIS/NISN, gender, phone, password, intake stories, session
    record texts, case and referral texts, chat messages, drafts, participation marks,
    and the consent record, and the student's sociometry answers (whom they chose; their
    classmates' answers that name them stay, under the anonymised name); of the case records
    (casebook), every text: case book entries, anecdotes, conferences with their follow-up,
    home visits and referrals out keep only their dates, kinds and statuses. Problem-box
    reports sent with a name stay with the anonymised account, like any anonymous report.
    Other features clear their own part (signals.student_erased): the TPPK lane, the
    violence reports about the student.

    Written in the caller's transaction.
    """
    if student.role != Role.STUDENT:
        raise NotAllowed(_("Hanya data siswa yang bisa dihapus di sini."))
    if db.session.scalar(sa.select(sa.exists().where(
            CounselingCase.student_id == student.id, CounselingCase.status == CaseStatus.OPEN))):
        raise NotAllowed(_("Siswa ini masih punya kasus yang berjalan. Tutup kasusnya dulu, "
                           "lalu hapus datanya."))
    sid = student.id
    bookings = sa.select(Booking.id).where(Booking.student_id == sid)
    cases = sa.select(CounselingCase.id).where(CounselingCase.student_id == sid)
    rooms = sa.select(ChatRoom.id).where(ChatRoom.booking_id.in_(bookings))
    statements = [
        sa.update(Response).where(Response.user_id == sid, Response.submitted_at.is_not(None))
        .values(user_id=None),
        sa.delete(Response).where(Response.user_id == sid),
        sa.delete(Participation).where(Participation.user_id == sid),
        sa.delete(SociometryChoice).where(SociometryChoice.answer_id.in_(
            sa.select(SociometryAnswer.id).where(SociometryAnswer.student_id == sid))),
        sa.delete(SociometryAnswer).where(SociometryAnswer.student_id == sid),
        sa.delete(ChatMessage).where(ChatMessage.room_id.in_(rooms)),
        sa.delete(Intake).where(Intake.booking_id.in_(bookings)),
        sa.update(Booking).where(Booking.student_id == sid)
        .values(phone_times="", counselor_message=""),
        sa.update(Booking).where(Booking.student_id == sid,
                                 Booking.status.in_((BookingStatus.PENDING,
                                                     BookingStatus.CONFIRMED)))
        .values(status=BookingStatus.CANCELLED),
        sa.update(SessionRecord).where(SessionRecord.case_id.in_(cases))
        .values(topic="-", summary="", technique="", follow_up="", laiseg_understanding="",
                laiseg_comfort="", laiseg_action="", private_note=""),
        sa.update(CounselingCase).where(CounselingCase.student_id == sid).values(closing_note=""),
        sa.update(Referral).where(Referral.student_id == sid).values(reason=""),
        sa.update(CaseEntry).where(CaseEntry.case_id.in_(cases)).values(body=""),
        sa.update(Anecdote).where(Anecdote.student_id == sid)
        .values(setting="-", observation="", interpretation=""),
        sa.delete(ConferenceFollowUp).where(ConferenceFollowUp.conference_id.in_(
            sa.select(Conference.id).where(Conference.case_id.in_(cases)))),
        sa.update(Conference).where(Conference.case_id.in_(cases))
        .values(place="", other_participants="", discussion="", summary="", agreements=""),
        sa.update(HomeVisit).where(HomeVisit.case_id.in_(cases))
        .values(purpose="", visitors="-", address="", met_with="", findings="", agreements=""),
        sa.update(OutwardReferral).where(OutwardReferral.case_id.in_(cases))
        .values(addressee="-", reason="", shared="", consent_note="", reply=""),
        sa.delete(ParentConsent).where(ParentConsent.student_id == sid),
    ]
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    signals.student_erased.send(student)
    student.full_name = f"Siswa terhapus #{sid}"
    student.username = f"{ERASED_PREFIX}{sid}"
    student.phone = None
    student.set_password(secrets.token_urlsafe(32))
    student.must_change_password = False
    if student.student_profile is not None:
        student.student_profile.nis = None
        student.student_profile.nisn = None
        student.student_profile.gender = None
        student.student_profile.birth_date = None
    set_active(student, False)  # ends the sessions


def find_students(query="", class_id=None, limit=50, counselor=None):
    """Students by name, username, NIS or class name (also former and erased ones), for the
    request page and the student record's search: [(student, whether `counselor` may open
    one of their cases or bookings)]. The list itself shows accounts only, which every
    counselor and the operator may see."""
    counseled = counseled_by(counselor, User.id) if counselor is not None else sa.false()
    statement = (sa.select(User, counseled).outerjoin(StudentProfile)
                 .outerjoin(SchoolClass, SchoolClass.id == StudentProfile.class_id)
                 .where(User.role == Role.STUDENT).order_by(User.full_name).limit(limit))
    if query:
        pattern = f"%{query.lower()}%"
        statement = statement.where(sa.or_(sa.func.lower(User.full_name).like(pattern),
                                           sa.func.lower(User.username).like(pattern),
                                           StudentProfile.nis == query,
                                           sa.func.lower(SchoolClass.name) == query.lower()))
    if class_id is not None:
        statement = statement.where(StudentProfile.class_id == class_id)
    return db.session.execute(statement).all()
