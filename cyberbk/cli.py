"""Commands for the operator: flask --app wsgi seed-demo | create-admin |
import-people FILE [--apply] | confirm-counselor USERNAME."""

from pathlib import Path

import click
import sqlalchemy as sa

from .accounts import dapodik
from .accounts import importer
from .accounts import services as accounts
from .accounts.models import Role
from .accounts.models import User
from .admin import cli as admin_cli
from .audit.services import record
from .dashboard import cli as datacare_cli
from .extensions import db
from .outreach import cli as outreach_cli
from .school.services import ensure_default_crisis_contacts
from .school.services import get_settings


def init_app(app):
    # Flask-Migrate imports Alembic: ten megabytes in every serving worker, which never
    # migrates, and a worker holding a thousand chat sockets must stay under 200 MB. Its
    # `flask db` commands are set up only when the command line loads the app.
    if click.get_current_context(silent=True) is not None:
        from flask_migrate import Migrate

        Migrate(app, db, directory=str(Path(app.root_path).parent / "migrations"),
                render_as_batch=True)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(seed_demo_if_empty_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(import_people_command)
    datacare_cli.init_app(app)
    admin_cli.init_app(app)
    outreach_cli.init_app(app)
    app.cli.add_command(confirm_counselor_command)


@click.command("seed-demo")
def seed_demo_command():
    """Fill an empty database with the demo school SMP Negeri Contoh."""
    from .demo import AlreadySeeded
    from .demo import seed_demo

    try:
        seed_demo()
    except AlreadySeeded:
        raise click.ClickException("The database already holds people; seed-demo only fills an "
                                   "empty database.")
    db.session.commit()
    outreach_cli.make_demo_video()
    click.echo("Demo school created. Every demo password is: cyberbk-demo")


@click.command("seed-demo-if-empty")
def seed_demo_if_empty_command():
    """Seed the demo school only when nobody exists yet (used by `make run`)."""
    from .demo import seed_demo

    if db.session.scalar(sa.select(sa.func.count(User.id))):
        get_settings()
        ensure_default_crisis_contacts()
        db.session.commit()
        click.echo("Database already has people; demo seeding skipped.")
        return
    seed_demo()
    db.session.commit()
    outreach_cli.make_demo_video()
    click.echo("Demo school created. Every demo password is: cyberbk-demo")


@click.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--name", "full_name", default="Operator Sekolah", show_default=True)
@click.password_option()
def create_admin_command(username, full_name, password):
    """Create an operator (admin) account."""
    username = username.strip().lower()
    if not accounts.USERNAME.match(username):
        raise click.ClickException("Usernames are 3-64 lowercase letters, digits, . _ or -.")
    if accounts.username_taken(username):
        raise click.ClickException(f"The username {username} is taken.")
    if len(password) < 8:
        raise click.ClickException("The password needs at least 8 characters.")
    accounts.create_user(username, full_name, Role.ADMIN, password, must_change_password=False)
    # The school's settings row too, so that no page has to make it (holding the write
    # lock while it renders, and again on every page until a request commits it).
    get_settings()
    db.session.commit()
    click.echo(f"Admin {username} created.")


@click.command("import-people")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--apply", "apply_roster", is_flag=True,
              help="For a Dapodik export: apply the changes the preview lists.")
def import_people_command(file, apply_roster):
    """Import classes, students and teachers from a CSV or XLSX class list (all or nothing),
    or a Dapodik "Daftar Peserta Didik" export: its preview, applied with --apply."""
    try:
        upload = dapodik.read(file.name, file.read_bytes())
        if isinstance(upload, dapodik.Roster):
            return import_roster(upload, apply_roster)
        result = importer.import_table(upload)
    except importer.ImportFileError as error:
        raise click.ClickException(str(error))
    if not result.ok:
        refuse(result.errors)
    record(None, "import", "accounts", summary=f"{len(result.created)} akun dibuat lewat perintah "
           "server")
    db.session.commit()
    echo_slips(result.created)


def refuse(errors):
    for line, message in errors:
        click.echo(f"row {line}: {message}", err=True)
    raise click.ClickException(f"{len(errors)} problem(s); nothing was imported.")


def echo_slips(created):
    click.echo("class\tname\tusername\tinitial password")
    for entry in created:
        click.echo(f"{entry['class_name'] or '-'}\t{entry['user'].full_name}\t"
                   f"{entry['user'].username}\t{entry['password']}")
    click.echo(f"{len(created)} account(s) created; they must change the password at "
               "first login.")


def import_roster(roster, apply_roster):
    """A Dapodik roster: the preview, then (with --apply) the changes."""
    planned = dapodik.plan(roster)
    if not planned.ok:
        refuse(planned.errors)
    counts = planned.counts()
    for row in planned.new:
        click.echo(f"new\t{row.class_name or '-'}\t{row.full_name}")
    for change in planned.changed:
        click.echo(f"changed\t{change.student.full_name}\t{'; '.join(change.what)}")
    for student in planned.leaving:
        click.echo(f"leaving\t{student.class_name or '-'}\t{student.full_name}")
    for class_name, teacher, user_id in planned.homerooms:
        click.echo(f"homeroom\t{class_name}\t{teacher}{'' if user_id else ' (new account)'}")
    click.echo(f"Dapodik roster: {counts['new']} new, {counts['changed']} changed "
               f"({counts['moved']} moved, {counts['renamed']} renamed), {counts['leaving']} "
               f"leaving, {counts['unchanged']} unchanged; new classes: "
               f"{', '.join(planned.new_classes) or '-'}.")
    if not apply_roster:
        click.echo("Nothing was changed. Run again with --apply to apply these changes.")
        return
    applied = dapodik.apply(roster)
    if not applied.ok:
        refuse(applied.errors)
    counts = applied.plan.counts()
    record(None, "import", "accounts", summary=dapodik.summary(counts) + " lewat perintah server")
    db.session.commit()
    echo_slips(applied.created)
    click.echo(f"{counts['leaving']} account(s) of students who left were deactivated.")


@click.command("confirm-counselor")
@click.argument("username")
def confirm_counselor_command(username):
    """Confirm a school's first counselor account. Refused once an active, confirmed
    counselor exists: from then on only counselors confirm counselors, on their home."""
    user = db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))
    if user is None or not user.awaits_confirmation or not user.is_active_account:
        raise click.ClickException(f"{username} is no active counselor account awaiting "
                                   "confirmation.")
    if accounts.confirmed_counselor_count():
        raise click.ClickException("This school has an active counselor: they confirm new "
                                   "counselor accounts on their home page in the app.")
    accounts.confirm_counselor(user)
    record(None, "confirm_counselor", "account", user.id,
           summary=f"Guru BK pertama {user.username} dikonfirmasi lewat perintah server")
    db.session.commit()
    click.echo(f"{user.username} is confirmed as the school's first counselor.")
