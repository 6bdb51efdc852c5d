"""The `kiosk` command.

Each subcommand imports its module lazily, so `kiosk --version` or a config error answers
without loading Kivy, FastAPI or the printer stack.
"""

from __future__ import annotations

import argparse
import logging
import sys

from kiosk import __version__
from kiosk.config import ENV_VAR, ConfigError, load


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """The options every command takes, before or after its name (`kiosk --config X run` and
    `kiosk run --config X`). On the subcommands their default is SUPPRESS, so an option given
    before the subcommand is not overwritten by the subcommand's own (absent) one."""
    config_default = None if defaults else argparse.SUPPRESS
    verbose_default = False if defaults else argparse.SUPPRESS
    parser.add_argument("--config", metavar="PATH", default=config_default,
                        help=f"TOML config file (default: ${ENV_VAR} or built-in defaults)")
    parser.add_argument("-v", "--verbose", action="store_true", default=verbose_default, help="log debug messages")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="Self-service kiosk of a ward's one-stop reception department (motcua-kiosk).",
    )
    p.add_argument("--version", action="version", version=f"motcua-kiosk {__version__}")
    _global_options(p, defaults=True)
    common = argparse.ArgumentParser(add_help=False)
    _global_options(common, defaults=False)
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_subparser_class(common))

    sub.add_parser("run", help="run the kiosk from its config")

    demo = sub.add_parser("demo", help="run everything embedded with simulated printer and scanner")
    demo.add_argument("--windowed", action="store_true", help="use a window instead of fullscreen")

    serve = sub.add_parser("serve", help="run the office service (queue, dossiers, console, board)")
    serve.add_argument("--demo", action="store_true", help="seed demo services, counters and users")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--database", help="SQLAlchemy URL (default: SQLite in the state folder)")

    office = sub.add_parser("office", help="office service administration")
    office_sub = office.add_subparsers(dest="office_command", metavar="ACTION")
    add_user = office_sub.add_parser("add-user", help="create a staff user")
    add_user.add_argument("username")
    add_user.add_argument("--role", choices=["staff", "admin"], default="staff")
    add_user.add_argument("--full-name", default="")
    add_user.add_argument("--database", help="SQLAlchemy URL")
    purge = office_sub.add_parser("purge", help="delete personal data older than the retention period")
    purge.add_argument("--database", help="SQLAlchemy URL")
    purge.add_argument("--days", type=int, help="retention in days (default: [office] retention_days)")

    bench = sub.add_parser("bench", help="load-check a running office service")
    bench_sub = bench.add_subparsers(dest="bench_command", metavar="TARGET")
    bench_office = bench_sub.add_parser("office", help="issue tickets from N simulated kiosks for S seconds "
                                        "(real tickets: run it before opening hours)")
    bench_office.add_argument("--clients", type=int, default=8, help="simultaneous kiosks (at most 64)")
    bench_office.add_argument("--seconds", type=float, default=10.0, help="how long (at most 120)")
    bench_office.add_argument("--url", help="the office (default http://127.0.0.1:8080)")
    bench_office.add_argument("--key", help="kiosk API key (default: [kiosk] api_key)")
    bench_office.add_argument("--max-requests", type=int, default=100_000, help="stop after this many requests")

    doctor = sub.add_parser("doctor", help="check config, display, printer, scanner and office service")
    doctor.add_argument("--test-print", action="store_true", help="also print a test ticket")
    doctor.add_argument("--scan-wait", type=float, default=5.0, help="seconds to wait for a test scan")

    voice = sub.add_parser("voice", help="the kiosk's voice: render its prompts ahead, or say a sentence")
    voice_sub = voice.add_subparsers(dest="voice_command", metavar="ACTION", required=True)
    voice_sub.add_parser("warm", help="render every fixed prompt into the cache ([audio])")
    say = voice_sub.add_parser("say", help="say TEXT through the configured output (a speaker check)")
    say.add_argument("text")

    from kiosk.addresses_cli import add_parser as addresses_parser

    addresses_parser(sub)

    sample = sub.add_parser("print-sample", help="print a sample ticket in Vietnamese with a QR code")
    sample.add_argument("--printer", metavar="SPEC", help="connection, e.g. usb:0x0416:0x5011 or file:/dev/usb/lp0")
    sample.add_argument("--width", type=int, choices=[58, 80], help="paper width in mm")
    return p


# Libraries whose INFO lines are detail nobody reading the kiosk's log needs (shown with -v).
CHATTY_AT_INFO = ("alembic.runtime.plugins",)


def _setup_logging(verbose: bool) -> None:
    """INFO and above by default; DEBUG with -v. Kivy is told to log through this (kivy_setup)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not verbose:
        for name in CHATTY_AT_INFO:
            logging.getLogger(name).setLevel(logging.WARNING)


def _subparser_class(common: argparse.ArgumentParser) -> type[argparse.ArgumentParser]:
    """A parser class for subcommands (and their own subcommands, e.g. `office add-user`) that
    always includes the global options."""

    class WithGlobalOptions(argparse.ArgumentParser):
        def __init__(self, *args, **kwargs) -> None:
            kwargs["parents"] = [*kwargs.get("parents", []), common]
            super().__init__(*args, **kwargs)

    return WithGlobalOptions


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _setup_logging(args.verbose)
    if args.command is None:
        _parser().print_help()
        return 0
    try:
        settings = load(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2

    if args.command in ("run", "demo"):
        from kiosk.runner import run_kiosk

        return run_kiosk(settings, demo=args.command == "demo", windowed=getattr(args, "windowed", False))
    if args.command == "serve":
        from kiosk.office.serve import serve

        return serve(settings, demo=args.demo, host=args.host, port=args.port,
                     workers=args.workers, database=args.database)
    if args.command == "office":
        from kiosk.office.admin_cli import main as office_main

        return office_main(settings, args)
    if args.command == "bench":
        if getattr(args, "bench_command", None) != "office":
            _parser().parse_args(["bench", "--help"])
        from kiosk.loadtest import main as bench_main

        return bench_main(settings, args)
    if args.command == "doctor":
        from kiosk.doctor import main as doctor_main

        return doctor_main(settings, test_print=args.test_print, scan_wait=args.scan_wait)
    if args.command == "voice":
        from kiosk.voice.prompts import main as voice_main

        return voice_main(settings, args.voice_command, getattr(args, "text", ""))
    if args.command == "addresses":
        from kiosk.addresses_cli import main as addresses_main

        return addresses_main(settings, args)
    if args.command == "print-sample":
        from kiosk.slips.sample import main as sample_main

        return sample_main(settings, printer=args.printer, width=args.width)
    return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
