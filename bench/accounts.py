"""Signed-in browsers made inside the app (a seeding subprocess on the bench instance).

A session is started by the app's own sign-in (auth.services.sign_in) and stored by its
session interface, as the login page does, but without a password check per account:
hundreds of scrypt logins would take minutes of the server core before anything is measured.
"""

from flask import session

#: Nobody logs in with the accounts the bench makes: a cheap hash keeps seeding to seconds.
CHEAP_HASH = "pbkdf2:sha256:1"


def bench_app():
    """The app for seeding: cheap password hashes, and commits that do not wait for the
    disk (seeding is not measured, and a seed lost to a power cut is made again; a
    thousand signed-in students are a few thousand commits)."""
    import sqlalchemy as sa

    from cyberbk import create_app
    from cyberbk.extensions import db

    app = create_app()
    app.config["PASSWORD_HASH_METHOD"] = CHEAP_HASH
    with app.app_context():
        # After the app's own pragmas (database.sqlite_pragmas), which ask for FULL.
        sa.event.listen(db.engine, "connect", lambda connection, _record: connection.execute(
            "PRAGMA synchronous=OFF"))
    return app


def session_cookie(app, user):
    """`name=value` of the session cookie a browser would hold after `user` signed in."""
    from cyberbk.auth.services import sign_in
    from cyberbk.extensions import db

    with app.test_request_context():
        sign_in(user)
        # The session's own write rolls back whatever the request left uncommitted.
        db.session.commit()
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
        return response.headers["Set-Cookie"].split(";", 1)[0]
