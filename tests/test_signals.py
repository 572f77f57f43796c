"""Features talk through common.signals: every question has the one feature that answers it."""

import pytest

from cyberbk.common import signals

QUESTIONS = [signals.thread_opened_here, signals.open_questionnaires, signals.class_needs,
             signals.student_answers]


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
                      "cyberbk.outreach.services", "cyberbk.problembox.services"}
