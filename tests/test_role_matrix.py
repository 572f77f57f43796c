"""Every route of the app × every role, against a declared expectation.

Routes are enumerated from the URL map, so a new route without an entry here
fails the test: whoever adds a route decides who may use it.
"""

import pytest
from flask import url_for
from werkzeug.routing import IntegerConverter

from cyberbk.accounts.models import Role
from cyberbk.extensions import db
from tests import factories

PEOPLE = ("anonymous", "student_a", "student_b", "homeroom_a", "homeroom_b", "counselor",
          "counselor_b", "admin")
# Only this matrix walks it (the hardening crawls reuse PEOPLE above).
MATRIX_PEOPLE = (*PEOPLE, "counselor_unconfirmed", "tppk")
ROLE_OF = {"student_a": Role.STUDENT, "student_b": Role.STUDENT, "homeroom_a": Role.HOMEROOM,
           "homeroom_b": Role.HOMEROOM, "counselor": Role.COUNSELOR, "counselor_b": Role.COUNSELOR,
           "admin": Role.ADMIN, "tppk": Role.TPPK,
           # Made a counselor by the operator, not yet confirmed by a counselor: acts in no
           # role (issue 17 §4), so it may use only what any signed-in person may.
           "counselor_unconfirmed": None}
# What an unconfirmed counselor may use besides that: its own sign-ins, like all staff.
UNCONFIRMED_MAY = {"auth.sign_ins"}
PUBLIC = "public"
LOGGED_IN = "logged in"

# endpoint: (who may use it, method, URL arguments from the `school` fixture, or None for
# sample values that name no record)
ROUTES = {
    "static": (PUBLIC, "GET", lambda s: {"filename": "css/app.css"}),
    "main.index": (PUBLIC, "GET", None),
    "main.healthz": (PUBLIC, "GET", None),
    "main.logo": (PUBLIC, "GET", None),
    "main.set_language": (PUBLIC, "POST", None),
    "auth.login": (PUBLIC, "GET", None),
    "auth.logout": (PUBLIC, "POST", None),
    "auth.quick_exit": (PUBLIC, "POST", None),
    "auth.change_password": (LOGGED_IN, "GET", None),
    "auth.idle_exit": (PUBLIC, "GET", None),
    "auth.still_here": (PUBLIC, "POST", None),
    "auth.sign_ins": ({Role.HOMEROOM, Role.COUNSELOR, Role.ADMIN, Role.TPPK}, "GET", None),
    "main.student_home": ({Role.STUDENT}, "GET", None),
    "main.homeroom_home": ({Role.HOMEROOM}, "GET", None),
    "main.counselor_home": ({Role.COUNSELOR}, "GET", None),
    "admin.home": ({Role.ADMIN}, "GET", None),
    "admin.accounts_list": ({Role.ADMIN}, "GET", None),
    "admin.import_people": ({Role.ADMIN}, "GET", None),
    "admin.import_job": ({Role.ADMIN}, "GET", None),
    "admin.apply_roster": ({Role.ADMIN}, "POST", None),
    "admin.school_class": ({Role.ADMIN}, "GET", lambda s: {"class_id": s["class_a"].id}),
    "admin.settings": ({Role.ADMIN}, "GET", None),
    "admin.new_school_year": ({Role.ADMIN}, "GET", None),
    "admin.reset_password": ({Role.ADMIN}, "POST", lambda s: {"user_id": s["student_b"].id}),
    "admin.toggle_active": ({Role.ADMIN}, "POST", lambda s: {"user_id": s["student_b"].id}),
    "admin.add_crisis_contact": ({Role.ADMIN}, "POST", None),
    "admin.edit_crisis_contact": ({Role.ADMIN}, "GET", lambda s: {"contact_id": s["contact"].id}),
    "admin.delete_crisis_contact": ({Role.ADMIN}, "POST", lambda s: {"contact_id": s["contact"].id}),
    "admin.backup": ({Role.ADMIN}, "GET", None),
    "admin.account_nip": ({Role.ADMIN}, "GET", lambda s: {"user_id": s["counselor"].id}),
    "admin.download_backup": ({Role.ADMIN}, "GET", None),
    "main.confirm_counselor": ({Role.COUNSELOR}, "POST",
                               lambda s: {"user_id": s["counselor_unconfirmed"].id}),
    # booking: /jadwal and the parents' form are public; the rest by role (unknown ids: 404).
    "booking.index": (PUBLIC, "GET", None),
    "booking.intake": ({Role.STUDENT}, "POST", None),
    "booking.mine": ({Role.STUDENT}, "GET", None),
    "booking.detail": ({Role.STUDENT}, "GET", lambda s: {"booking_id": 1}),
    "booking.cancel": ({Role.STUDENT}, "POST", lambda s: {"booking_id": 1}),
    "booking.reschedule": ({Role.STUDENT}, "GET", lambda s: {"booking_id": 1}),
    "booking.consent": ({Role.STUDENT}, "POST", lambda s: {"booking_id": 1}),
    "booking.ics": ({Role.STUDENT}, "GET", lambda s: {"booking_id": 1}),
    "booking.parent_request": (PUBLIC, "GET", None),
    "booking.parent_sent": (PUBLIC, "GET", None),
    "booking.hours": ({Role.COUNSELOR}, "GET", None),
    "booking.bookings_list": ({Role.COUNSELOR}, "GET", None),
    "booking.set_slot_length": ({Role.COUNSELOR}, "POST", None),
    "booking.add_hours": ({Role.COUNSELOR}, "POST", None),
    "booking.delete_hours": ({Role.COUNSELOR}, "POST", lambda s: {"hours_id": 1}),
    "booking.add_closed_period": ({Role.COUNSELOR}, "POST", None),
    "booking.add_extra_slot": ({Role.COUNSELOR}, "POST", None),
    "booking.delete_exception": ({Role.COUNSELOR}, "POST", lambda s: {"exception_id": 1}),
    "booking.agenda": ({Role.COUNSELOR}, "GET", None),
    # The agenda's calendar feed: its page and address for counselors; the feed itself
    # is opened by its secret token alone (a token naming nothing: 404 for all).
    "booking.calendar_feed": ({Role.COUNSELOR}, "GET", None),
    "booking.renew_calendar_feed": ({Role.COUNSELOR}, "POST", None),
    "booking.revoke_calendar_feed": ({Role.COUNSELOR}, "POST", None),
    "booking.feed": (PUBLIC, "GET", None),
    "booking.staff_detail": ({Role.COUNSELOR}, "GET", lambda s: {"booking_id": 1}),
    "booking.confirm": ({Role.COUNSELOR}, "POST", lambda s: {"booking_id": 1}),
    "booking.decline": ({Role.COUNSELOR}, "POST", lambda s: {"booking_id": 1}),
    "booking.staff_reschedule": ({Role.COUNSELOR}, "GET", lambda s: {"booking_id": 1}),
    "booking.staff_ics": ({Role.COUNSELOR}, "GET", lambda s: {"booking_id": 1}),
    "booking.parent_requests": ({Role.COUNSELOR}, "GET", None),
    "booking.handle_parent_request": ({Role.COUNSELOR}, "POST", lambda s: {"request_id": 1}),
    "booking.link_parent_student": ({Role.COUNSELOR}, "POST", lambda s: {"request_id": 1}),
    "booking.schedule_parent_request": ({Role.COUNSELOR}, "GET", lambda s: {"request_id": 1}),
    "booking.cases": ({Role.COUNSELOR}, "GET", None),
    "booking.case_file": ({Role.COUNSELOR}, "GET", lambda s: {"case_id": 1}),
    "booking.new_record": ({Role.COUNSELOR}, "GET", lambda s: {"case_id": 1}),
    "booking.close_case": ({Role.COUNSELOR}, "POST", lambda s: {"case_id": 1}),
    "booking.hand_over": ({Role.COUNSELOR}, "POST", lambda s: {"case_id": 1}),
    "booking.referrals": ({Role.COUNSELOR}, "GET", None),
    "booking.referral": ({Role.COUNSELOR}, "GET", lambda s: {"referral_id": 1}),
    "booking.homeroom_referrals": ({Role.HOMEROOM}, "GET", None),
    # casebook (issue 21 §1): the case's counselor (unknown ids: 404); homeroom teachers
    # write anecdotes; an anecdote opens to its author and the case's counselor, a
    # conference summary to its named participants (nobody here: 404).
    "casebook.book": ({Role.COUNSELOR}, "GET", None),
    "casebook.add_entry": ({Role.COUNSELOR}, "POST", None),
    "casebook.counselor_anecdote": ({Role.COUNSELOR}, "POST", None),
    "casebook.homeroom_anecdotes": ({Role.HOMEROOM}, "GET", None),
    "casebook.anecdote": ({Role.HOMEROOM, Role.COUNSELOR}, "GET", None),
    "casebook.new_conference": ({Role.COUNSELOR}, "GET", None),
    "casebook.conference": ({Role.COUNSELOR}, "GET", None),
    "casebook.conference_summary": ({Role.HOMEROOM, Role.COUNSELOR}, "GET", None),
    "casebook.new_visit": ({Role.COUNSELOR}, "GET", None),
    "casebook.visit": ({Role.COUNSELOR}, "GET", None),
    "casebook.visit_report": ({Role.COUNSELOR}, "GET", None),
    "casebook.new_referral": ({Role.COUNSELOR}, "GET", None),
    "casebook.referral": ({Role.COUNSELOR}, "GET", None),
    "casebook.referral_letter": ({Role.COUNSELOR}, "GET", None),
    # invitations (panggilan konseling, issue 19 §3): counselors invite from a student's
    # record; a student answers only their own (unknown ids: 404). Phone windows: students.
    "booking.invite": ({Role.COUNSELOR}, "GET", lambda s: {"student_id": s["student_b"].id}),
    "booking.open_case": ({Role.COUNSELOR}, "POST", lambda s: {"student_id": s["student_b"].id}),
    "booking.invitation": ({Role.STUDENT}, "GET", lambda s: {"invitation_id": 1}),
    "booking.decline_invitation": ({Role.STUDENT}, "POST", lambda s: {"invitation_id": 1}),
    "booking.phone_windows": ({Role.STUDENT}, "POST", None),
    # outreach: public pages; editing under /bk for counselors (unknown slugs and ids: 404).
    "outreach.service": (PUBLIC, "GET", None),
    "outreach.guide": (PUBLIC, "GET", None),
    "outreach.materials": (PUBLIC, "GET", None),
    "outreach.material": (PUBLIC, "GET", None),
    "outreach.slides": (PUBLIC, "GET", None),
    "outreach.material_plan": (PUBLIC, "GET", None),
    "outreach.attachment": (PUBLIC, "GET", None),
    "outreach.video_file": (PUBLIC, "GET", None),
    "outreach.slide_image": (PUBLIC, "GET", None),
    "outreach.poster": (PUBLIC, "GET", None),
    "outreach.poster_pdf": (PUBLIC, "GET", None),
    "outreach.poster_png": (PUBLIC, "GET", None),
    "outreach.qr": (PUBLIC, "GET", None),
    "outreach.hub": ({Role.COUNSELOR}, "GET", None),
    "outreach.edit_service": ({Role.COUNSELOR}, "GET", None),
    "outreach.edit_poster": ({Role.COUNSELOR}, "GET", None),
    "outreach.edit_guide": ({Role.COUNSELOR}, "GET", None),
    "outreach.upload_video": ({Role.COUNSELOR}, "POST", None),
    "outreach.set_youtube": ({Role.COUNSELOR}, "POST", None),
    "outreach.remove_video": ({Role.COUNSELOR}, "POST", None),
    "outreach.make_video": ({Role.COUNSELOR}, "POST", None),
    "outreach.material_list": ({Role.COUNSELOR}, "GET", None),
    "outreach.new_material": ({Role.COUNSELOR}, "GET", None),
    "outreach.edit_material": ({Role.COUNSELOR}, "GET", None),
    "outreach.publish_material": ({Role.COUNSELOR}, "POST", None),
    "outreach.unpublish_material": ({Role.COUNSELOR}, "POST", None),
    "outreach.delete_material": ({Role.COUNSELOR}, "POST", None),
    "outreach.add_attachment": ({Role.COUNSELOR}, "POST", None),
    "outreach.delete_attachment": ({Role.COUNSELOR}, "POST", None),
    "outreach.add_deck": ({Role.COUNSELOR}, "POST", None),
    "outreach.remove_deck": ({Role.COUNSELOR}, "POST", None),
    "outreach.plan_list": ({Role.COUNSELOR}, "GET", None),
    "outreach.new_plan": ({Role.COUNSELOR}, "GET", None),
    "outreach.plan": ({Role.COUNSELOR}, "GET", None),
    "outreach.edit_plan": ({Role.COUNSELOR}, "GET", None),
    "outreach.delete_plan": ({Role.COUNSELOR}, "POST", None),
    # chat: a booking's own student and counselor (others 403/404); the anonymous thread is
    # authorised by the thread the problem box opened in the session, not by login.
    "chat.show": ({Role.STUDENT, Role.COUNSELOR}, "GET", None),
    "chat.send": ({Role.STUDENT, Role.COUNSELOR}, "POST", None),
    "chat.video": ({Role.STUDENT, Role.COUNSELOR}, "GET", None),
    "chat.end": ({Role.COUNSELOR}, "POST", None),
    "chat.thread": (PUBLIC, "GET", None),
    "chat.thread_send": (PUBLIC, "POST", None),
    "chat.staff_thread": ({Role.COUNSELOR}, "GET", None),
    "chat.staff_thread_send": ({Role.COUNSELOR}, "POST", None),
    "chat.keepalive": (PUBLIC, "POST", None),
    # problembox: the student side is public (no login needed); the inbox is counselors' only.
    "problembox.new": (PUBLIC, "GET", None),
    "problembox.sent": (PUBLIC, "GET", None),
    "problembox.check": (PUBLIC, "GET", None),
    "problembox.reply": (PUBLIC, "POST", None),
    "problembox.request_session": (PUBLIC, "POST", None),
    "problembox.close_thread": (PUBLIC, "POST", None),
    "problembox.inbox": ({Role.COUNSELOR}, "GET", None),
    "problembox.report": ({Role.COUNSELOR}, "GET", lambda s: {"report_id": 1}),
    "problembox.answer": ({Role.COUNSELOR}, "POST", lambda s: {"report_id": 1}),
    "problembox.add_note": ({Role.COUNSELOR}, "POST", lambda s: {"report_id": 1}),
    "problembox.triage": ({Role.COUNSELOR}, "POST", lambda s: {"report_id": 1}),
    "problembox.session_arranged": ({Role.COUNSELOR}, "POST", lambda s: {"report_id": 1}),
    "problembox.settings": ({Role.COUNSELOR}, "GET", None),
    "problembox.add_template": ({Role.COUNSELOR}, "POST", None),
    "problembox.delete_template": ({Role.COUNSELOR}, "POST", lambda s: {"template_id": 1}),
    "problembox.add_risk_term": ({Role.COUNSELOR}, "POST", None),
    "problembox.delete_risk_term": ({Role.COUNSELOR}, "POST", lambda s: {"term_id": 1}),
    "problembox.mark_flag": ({Role.COUNSELOR}, "POST", lambda s: {"report_id": 1, "flag_id": 1}),
    # assessments: the student link is public (404 for an unknown slug); no assessment data
    # exists here, so object routes answer 404 to the roles allowed past the role check.
    "assessments.open_list": (PUBLIC, "GET", None),
    "assessments.start": (PUBLIC, "GET", lambda s: {"slug": "tidak-ada"}),
    "assessments.class_link": (PUBLIC, "GET", lambda s: {"slug": "tidak-ada", "code": "x"}),
    "assessments.begin": (PUBLIC, "POST", lambda s: {"slug": "tidak-ada", "code": "x"}),
    "assessments.answer_section": (PUBLIC, "GET", lambda s: {"slug": "tidak-ada", "number": 1}),
    "assessments.summary": (PUBLIC, "GET", lambda s: {"slug": "tidak-ada"}),
    "assessments.submit": (PUBLIC, "POST", lambda s: {"slug": "tidak-ada"}),
    "assessments.index": ({Role.COUNSELOR}, "GET", None),
    "assessments.new_instrument": ({Role.COUNSELOR}, "GET", None),
    "assessments.edit_instrument": ({Role.COUNSELOR}, "GET", lambda s: {"iid": 1}),
    "assessments.update_instrument": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1}),
    "assessments.add_section": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1}),
    "assessments.edit_section": ({Role.COUNSELOR}, "GET", lambda s: {"iid": 1, "sid": 1}),
    "assessments.move_section": ({Role.COUNSELOR}, "POST",
                                 lambda s: {"iid": 1, "sid": 1, "arah": "turun"}),
    "assessments.delete_section": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1, "sid": 1}),
    "assessments.add_item": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1, "sid": 1}),
    "assessments.edit_item": ({Role.COUNSELOR}, "GET", lambda s: {"iid": 1, "item_id": 1}),
    "assessments.move_item": ({Role.COUNSELOR}, "POST",
                              lambda s: {"iid": 1, "item_id": 1, "arah": "turun"}),
    "assessments.delete_item": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1, "item_id": 1}),
    "assessments.duplicate_instrument": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1}),
    "assessments.delete_instrument": ({Role.COUNSELOR}, "POST", lambda s: {"iid": 1}),
    "assessments.preview": ({Role.COUNSELOR}, "GET", lambda s: {"iid": 1}),
    "assessments.new_administration": ({Role.COUNSELOR}, "GET", None),
    "assessments.administration": ({Role.COUNSELOR}, "GET", lambda s: {"aid": 1}),
    "assessments.update_dates": ({Role.COUNSELOR}, "POST", lambda s: {"aid": 1}),
    "assessments.delete_administration": ({Role.COUNSELOR}, "POST", lambda s: {"aid": 1}),
    "assessments.results_page": ({Role.COUNSELOR}, "GET", lambda s: {"aid": 1}),
    "assessments.student_answers": ({Role.COUNSELOR}, "GET",
                                    lambda s: {"aid": 1, "user_id": s["student_a"].id}),
    "assessments.export_answers": ({Role.COUNSELOR}, "GET", lambda s: {"aid": 1, "kind": "xlsx"}),
    "assessments.compare": ({Role.COUNSELOR}, "GET", None),
    "assessments.class_profile": ({Role.COUNSELOR}, "GET",
                                  lambda s: {"class_id": s["class_a"].id}),
    "assessments.homeroom_index": ({Role.HOMEROOM}, "GET", None),
    "assessments.homeroom_results": ({Role.HOMEROOM}, "GET",
                                     lambda s: {"aid": 1, "class_id": 999}),
    # end assessments
    # dashboard and data care (issue 8): student ids that name no student answer 404.
    "dashboard.summary": ({Role.COUNSELOR}, "GET", None),
    # the student record (issue 19 §3): counselors only, never a homeroom teacher or admin.
    "dashboard.students": ({Role.COUNSELOR}, "GET", None),
    "dashboard.student": ({Role.COUNSELOR}, "GET", lambda s: {"student_id": s["student_b"].id}),
    "dashboard.targets_page": ({Role.COUNSELOR}, "GET", None),
    "dashboard.report": ({Role.COUNSELOR}, "GET", None),
    "dashboard.report_xlsx": ({Role.COUNSELOR}, "GET", None),
    "dashboard.report_note": ({Role.COUNSELOR}, "GET", None),
    # programme: counselors only (sample ids name no row: 404 for them, refused for others).
    "programme.year": ({Role.COUNSELOR}, "GET", None),
    "programme.draft": ({Role.COUNSELOR}, "POST", None),
    "programme.new_row": ({Role.COUNSELOR}, "GET", None),
    "programme.edit_row": ({Role.COUNSELOR}, "GET", None),
    "programme.delete_row": ({Role.COUNSELOR}, "POST", None),
    "programme.semester": ({Role.COUNSELOR}, "GET", None),
    "programme.activities": ({Role.COUNSELOR}, "GET", None),
    "programme.delete_activity": ({Role.COUNSELOR}, "POST", None),
    "programme.hours_sheet": ({Role.COUNSELOR}, "GET", None),
    "programme.laiseg": ({Role.COUNSELOR}, "GET", None),
    "programme.close_laiseg": ({Role.COUNSELOR}, "POST", None),
    "dashboard.audit": ({Role.COUNSELOR}, "GET", None),
    "dashboard.admin_audit": ({Role.ADMIN}, "GET", None),
    "dashboard.retention_settings": ({Role.COUNSELOR}, "GET", None),
    "dashboard.student_requests": ({Role.COUNSELOR, Role.ADMIN}, "GET", None),
    "dashboard.student_record": ({Role.COUNSELOR, Role.ADMIN}, "GET", None),
    "dashboard.export_student": ({Role.COUNSELOR, Role.ADMIN}, "GET", None),
    "dashboard.erase_student": ({Role.COUNSELOR}, "POST", None),
    "dashboard.consent_letters": ({Role.COUNSELOR, Role.ADMIN}, "GET", None),
    "dashboard.consent_register": ({Role.ADMIN}, "GET", None),
    # end dashboard
    # alerts: counselors only; students never (nothing is sent to a student); the service
    # worker is a public script; the operator sets staff email addresses.
    "alerts.settings": ({Role.COUNSELOR}, "GET", None),
    "alerts.save_settings": ({Role.COUNSELOR}, "POST", None),
    "alerts.subscribe": ({Role.COUNSELOR}, "POST", None),
    "alerts.unsubscribe": ({Role.COUNSELOR}, "POST", None),
    "alerts.send_test": ({Role.COUNSELOR}, "POST", None),
    "alerts.dismiss": ({Role.COUNSELOR}, "POST", None),
    "alerts.service_worker": (PUBLIC, "GET", None),
    "alerts.account_email": ({Role.ADMIN}, "GET", lambda s: {"user_id": s["counselor_b"].id}),
    # sociometry (issue 21 §2): who chose whom for counselors only; the answer form for the
    # class's students (another class's: 404); a homeroom teacher reads only the summary
    # shared on their home, through no route of its own.
    "sociometry.index": ({Role.COUNSELOR}, "GET", None),
    "sociometry.new": ({Role.COUNSELOR}, "GET", None),
    "sociometry.results": ({Role.COUNSELOR}, "GET", lambda s: {"sid": s["sociometry"].id}),
    "sociometry.export": ({Role.COUNSELOR}, "GET", lambda s: {"sid": s["sociometry"].id}),
    "sociometry.set_status": ({Role.COUNSELOR}, "POST", lambda s: {"sid": s["sociometry"].id}),
    "sociometry.save_summary": ({Role.COUNSELOR}, "POST",
                                lambda s: {"sid": s["sociometry"].id}),
    "sociometry.answer": ({Role.STUDENT}, "GET", lambda s: {"sid": s["sociometry"].id}),
    # the TPPK lane (issue 21 §3): its list for TPPK accounts and counselors (a counselor who
    # is no member sees that it is not theirs); a case opens to members only (models.may_open:
    # unknown ids 404); counselors route their own stories and cases; a student reports
    # under /kotak (public, unlogged); the operator lists the members.
    "tppk.index": ({Role.TPPK, Role.COUNSELOR}, "GET", None),
    "tppk.case_page": ({Role.TPPK, Role.COUNSELOR}, "GET", lambda s: {"case_id": 1}),
    "tppk.print_report": ({Role.TPPK, Role.COUNSELOR}, "GET", lambda s: {"case_id": 1}),
    "tppk.add_step": ({Role.TPPK, Role.COUNSELOR}, "POST", lambda s: {"case_id": 1}),
    "tppk.add_note": ({Role.TPPK, Role.COUNSELOR}, "POST", lambda s: {"case_id": 1}),
    "tppk.set_status": ({Role.TPPK, Role.COUNSELOR}, "POST", lambda s: {"case_id": 1}),
    "tppk.route_story": ({Role.COUNSELOR}, "GET", lambda s: {"record_id": 1}),
    "tppk.route_case": ({Role.COUNSELOR}, "GET", lambda s: {"record_id": 1}),
    "tppk.report_violence": (PUBLIC, "GET", None),
    "tppk.settings": ({Role.ADMIN}, "GET", None),
    "tppk.add_member": ({Role.ADMIN}, "POST", None),
    "tppk.remove_member": ({Role.ADMIN}, "POST", lambda s: {"user_id": s["counselor_b"].id}),
}

# Checked last: after them the client is logged out.
ENDS_SESSION = {"auth.logout", "auth.quick_exit"}


def test_every_route_has_a_declared_expectation(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - set(ROUTES)) == []
    assert sorted(set(ROUTES) - endpoints) == []


def allowed(access, person, endpoint=None):
    if access == PUBLIC:
        return True
    if person == "anonymous":
        return False
    if person == "counselor_unconfirmed" and endpoint in UNCONFIRMED_MAY:
        return True
    return access == LOGGED_IN or ROLE_OF[person] in access


@pytest.fixture
def matrix_school(school):
    from cyberbk.school.services import add_crisis_contact

    school["contact"] = add_crisis_contact("TPPK", "0812")
    school["counselor_unconfirmed"] = factories.make_user(Role.COUNSELOR, "guru.baru",
                                                          confirmed=False)
    from cyberbk.sociometry.services import create as create_sociometry

    # Class 7B's: student_b answers it, student_a (7A) gets 404.
    school["sociometry"] = create_sociometry(school["counselor"], school["class_b"],
                                             "Pilih 3 teman", 3)
    school["tppk"] = factories.make_user(Role.TPPK, "tppk.a", "Anggota TPPK A")
    db.session.commit()
    return school




def url_arguments(app, endpoint, arguments, school):
    if arguments:
        return arguments(school)
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    # Rule arguments not given explicitly: a value that names nothing (allowed roles get 404).
    return {name: 1 if isinstance(converter, IntegerConverter) else "tidak-ada"
            for name, converter in rule._converters.items()}


def mismatch(access, person, response, endpoint=None):
    """Why this response breaks the declared expectation, or None when it keeps it."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if allowed(access, person, endpoint):
        if status in (401, 403):
            return f"refused with {status}"
        if status in (301, 302, 303) and response.headers["Location"].startswith("/login"):
            return "sent to login"
        return None
    if person == "anonymous":
        if status == 401 or (status == 302 and response.headers["Location"].startswith("/login")):
            return None
        return f"anonymous got {status}"
    return None if status in (403, 404) else f"not refused: {status}"


@pytest.mark.parametrize("person", MATRIX_PEOPLE)
def test_routes_answer_each_role_as_declared(app, client, auth, matrix_school, person):
    """One app per person, every route in turn (state-changing ones last)."""
    if person != "anonymous":
        auth.login(matrix_school[person].username)
    order = sorted(ROUTES, key=lambda endpoint: (endpoint in ENDS_SESSION,
                                                 ROUTES[endpoint][1] == "POST", endpoint))
    problems = []
    for endpoint in order:
        access, method, arguments = ROUTES[endpoint]
        with app.test_request_context():
            url = url_for(endpoint, **url_arguments(app, endpoint, arguments, matrix_school))
        problem = mismatch(access, person, client.open(url, method=method), endpoint)
        if problem:
            problems.append(f"{method} {url} ({endpoint}): {problem}")
    assert problems == []
