"""Features talk through common.signals: every question has the one feature that answers it."""

import pytest

from cyberbk.common import signals

QUESTIONS = [signals.thread_opened_here, signals.session_evaluation, signals.class_link,
             signals.class_needs]


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda question: question.name)
def test_every_question_has_one_owner(app, question):
    assert len(question.receivers) == 1


def test_an_unanswered_question_fails_loudly(app):
    with pytest.raises(ValueError):
        signals.answer(signals.signals.signal("nobody-answers"), app)


def test_every_feature_adds_its_part_of_the_homes(app):
    owners = {receiver().__module__ for receiver in signals.home_page.receivers.values()}
    assert owners == {"cyberbk.assessments.results.overview", "cyberbk.booking.services.overview",
                      "cyberbk.chat.services.overview", "cyberbk.dashboard.services",
                      "cyberbk.alerts.services",
                      "cyberbk.outreach.services", "cyberbk.problembox.services",
                      "cyberbk.sociometry.services"}


def test_every_feature_with_named_answers_adds_them_to_the_student_export(app):
    owners = {receiver().__module__ for receiver in signals.student_answers.receivers.values()}
    assert owners == {"cyberbk.assessments.services", "cyberbk.sociometry.services"}


def test_urgent_items_and_unread_chats_are_answered_by_their_features(app):
    owners = {receiver().__module__ for signal in (signals.urgent_waiting, signals.unread_chats)
              for receiver in signal.receivers.values()}
    assert owners == {"cyberbk.problembox.services", "cyberbk.chat.services.overview"}
