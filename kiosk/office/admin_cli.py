"""`kiosk office add-user` and `kiosk office purge`."""

from __future__ import annotations

import getpass
import os
import sys

from sqlalchemy.exc import ArgumentError, OperationalError

from kiosk.office.errors import OfficeError
from kiosk.office.settings import OfficeSettings

PASSWORD_ENV = "KIOSK_NEW_PASSWORD"
MIN_PASSWORD = 8


def _read_password() -> str | None:
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        print("the two passwords differ", file=sys.stderr)
        return None
    return first


def main(settings, args) -> int:
    from kiosk.office.operations import configuration
    from kiosk.office.service import Office

    command = getattr(args, "office_command", None)
    if command == "purge":
        return purge(settings, args)
    if command != "add-user":
        print("usage: kiosk office {add-user USERNAME [--role staff|admin] [--full-name NAME] | purge [--database URL] [--days N]}",
              file=sys.stderr)
        return 2
    password = _read_password()
    if password is None:
        return 1
    if len(password) < MIN_PASSWORD:
        print(f"the password needs at least {MIN_PASSWORD} characters", file=sys.stderr)
        return 1
    try:
        office = Office(OfficeSettings.from_settings(settings, database_url=args.database or None))
        office.prepare()
    except (ArgumentError, OperationalError) as exc:
        print(f"cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        office.run("cli", lambda s, ctx: configuration.create_user(s, ctx, args.username, password, args.role,
                                                            args.full_name or ""))
    except OfficeError as exc:
        print(exc.detail, file=sys.stderr)
        return 1
    finally:
        office.db.dispose()
    print(f"created {args.role} user {args.username}")
    return 0


def purge(settings, args) -> int:
    """Delete the personal data of dossiers returned/rejected more than the retention period ago."""
    from kiosk.office.operations import dossiers
    from kiosk.office.service import Office

    try:
        office_settings = OfficeSettings.from_settings(settings, database_url=getattr(args, "database", None) or None)
        days = getattr(args, "days", None) or office_settings.dossier_retention_days
        if days < 1:
            print("purge: --days must be at least 1", file=sys.stderr)
            return 2
        office = Office(office_settings)
        office.prepare()
    except (ArgumentError, OperationalError) as exc:
        print(f"cannot open the database: {exc}", file=sys.stderr)
        return 2
    try:
        codes = office.run("cli", dossiers.purge, days)
    finally:
        office.db.dispose()
    print(f"purge: removed the personal data of {len(codes)} dossier(s) closed more than {days} days ago")
    return 0
