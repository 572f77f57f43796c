"""Error logs never hold what a statement was given: it may be a student's story."""

import logging

import sqlalchemy as sa

from cyberbk import create_app
from cyberbk.extensions import db

STORY = "Aku dipukul ayah tiap malam, jangan bilang siapa-siapa RAHASIA-CERITA-42"


def boom_app(app, statement):
    """The app with one more view, which runs `statement` with the story as its value."""
    def boom():
        db.session.execute(sa.text(statement), {"story": STORY})
        db.session.commit()
        return "ok"

    app.add_url_rule("/_uji/galat", view_func=boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def logged(caplog):
    """What a handler would write: each record formatted as logging's Formatter does."""
    formatter = logging.Formatter()
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_a_failed_insert_logs_the_statement_but_not_the_story(database, app, client, caplog):
    db.session.execute(sa.text("CREATE TABLE cerita (isi TEXT CHECK (length(isi) < 5))"))
    db.session.commit()
    boom_app(app, "INSERT INTO cerita (isi) VALUES (:story)")
    with caplog.at_level(logging.INFO):
        response = client.get("/_uji/galat")
    assert response.status_code == 500
    text = logged(caplog)
    assert "INSERT INTO cerita" in text, "the error was not logged: the check proves nothing"
    assert "RAHASIA-CERITA" not in text


def test_a_database_unavailable_error_logs_no_story(app, client, caplog):
    boom_app(app, "INSERT INTO tabel_yang_tidak_ada (isi) VALUES (:story)")
    with caplog.at_level(logging.INFO):
        response = client.get("/_uji/galat")
    assert response.status_code == 503
    text = logged(caplog)
    assert "tabel_yang_tidak_ada" in text
    assert "RAHASIA-CERITA" not in text


def test_no_instance_config_can_turn_the_hiding_off(app_config):
    app_config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_recycle": 60}
    other = create_app(app_config)
    with other.app_context():
        assert db.engine.hide_parameters is True
        db.engine.dispose()


def test_a_duplicate_key_logs_no_value_on_either_database(database, app, client, caplog):
    # PostgreSQL answers "Key (isi)=(…) already exists": the value in its own words.
    db.session.execute(sa.text("CREATE TABLE cerita (isi TEXT UNIQUE)"))
    db.session.execute(sa.text("INSERT INTO cerita (isi) VALUES (:story)"), {"story": STORY})
    db.session.commit()
    boom_app(app, "INSERT INTO cerita (isi) VALUES (:story)")
    with caplog.at_level(logging.INFO):
        assert client.get("/_uji/galat").status_code == 500
    text = logged(caplog)
    assert "INSERT INTO cerita" in text
    assert "RAHASIA-CERITA" not in text


def test_a_story_across_lines_in_a_detail_is_hidden_whole():
    from cyberbk.logscrub import scrub

    text = ('psycopg.errors.CheckViolation: new row violates check constraint "c"\n'
            "DETAIL:  Failing row contains (Aku\ndipukul\nRAHASIA).\n[SQL: INSERT INTO x]")
    assert "RAHASIA" not in scrub(text) and "dipukul" not in scrub(text)
    assert "[SQL: INSERT INTO x]" in scrub(text) and "CheckViolation" in scrub(text)
