"""The `sohoa` command. Subcommands load lazily so that `sohoa docs` never pays for Prefect."""

from __future__ import annotations

import atexit
import importlib
import logging
import os
import sys
from pathlib import Path

import click

from sohoa import __version__
from sohoa.errors import ExitCode, SohoaError, explain
from sohoa.settings import Settings

# name → "module:function"; each module owns its commands.
COMMANDS = {
    "ingest": "sohoa.cli.ingest:ingest",
    "demo": "sohoa.cli.demo:demo",
    "docs": "sohoa.cli.archive:docs",
    "show": "sohoa.cli.archive:show",
    "text": "sohoa.cli.archive:text",
    "verify": "sohoa.cli.archive:verify",
    "rebuild-catalog": "sohoa.cli.archive:rebuild_catalog",
    "doctor": "sohoa.cli.archive:doctor",
    "delete": "sohoa.cli.archive:delete",
    "eval-ocr": "sohoa.cli.ocrtools:eval_ocr",
    "export": "sohoa.cli.ocrtools:export",
    "review": "sohoa.cli.corrections:review",
    "correct": "sohoa.cli.corrections:correct",
    "history": "sohoa.cli.corrections:history",
    "editors": "sohoa.cli.editors:editors",
    "normalize": "sohoa.cli.audio:normalize",
    "audiobook": "sohoa.cli.audio:audiobook",
    "poll": "sohoa.cli.poll:poll",
    "listens": "sohoa.cli.poll:listens",
    "search": "sohoa.cli.search:search",
    "reindex": "sohoa.cli.search:reindex",
    "serve": "sohoa.cli.web:serve",
    "watch": "sohoa.cli.watch:watch",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr = COMMANDS[name].split(":")
        return getattr(importlib.import_module(module), attr)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--archive", "home", envvar="SOHOA_HOME", type=click.Path(file_okay=False),
              help="Archive folder (default ./sohoa-archive, or $SOHOA_HOME).")
@click.version_option(__version__, prog_name="sohoa")
@click.pass_context
def cli(ctx: click.Context, home: str | None) -> None:
    """sohoa — số hóa: scans of Vietnamese party histories into a searchable archive,
    bulletins into audiobooks.

    \b
    Typical use:
      sohoa demo                      (sample scans, generated, ingested and shown)
      sohoa ingest lich-su-dang-bo-xa.pdf --commune "Cự Khối" --district "Long Biên" --year 2010 --kind history
      sohoa docs                      (what is archived)
      sohoa text DOC --page 3
      sohoa search "lich su dang bo" --district "Long Biên"
      sohoa audiobook ban-tin-thang-11.md --engine espeak
      sohoa serve                     (web pages for researchers and listeners)
    """
    ctx.obj = Settings.from_env(home)
    _archive_home.append(ctx.obj.home)


_archive_home: list[Path] = []  # the archive the command was run on, to name it in a failure


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; every failure ends as one line on stderr and an exit code.

    A command's return value, when it is an int, is the exit code.
    """
    try:
        result = cli.main(args=argv, prog_name="sohoa", standalone_mode=False)
    except SohoaError as exc:
        click.echo(f"sohoa: lỗi / error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("sohoa: interrupted", err=True)
        sys.exit(ExitCode.ctrl_c)
    except click.ClickException as exc:
        exc.show()
        sys.exit(ExitCode.bad_args)
    except KeyboardInterrupt:
        click.echo("sohoa: interrupted", err=True)
        sys.exit(ExitCode.ctrl_c)
    except Exception as exc:  # a bug: still one line for the user, the traceback on request
        known = explain(exc, _archive_home[-1] if _archive_home else None)
        if known is not None:  # a full disk, a damaged catalog: not a bug
            click.echo(f"sohoa: lỗi / error: {known}", err=True)
            sys.exit(known.exit_code)
        if os.environ.get("SOHOA_DEBUG"):
            raise
        click.echo(f"sohoa: internal error: {type(exc).__name__}: {exc} (run with SOHOA_DEBUG=1 for details)",
                   err=True)
        sys.exit(ExitCode.other_error)
    sys.exit(int(result) if isinstance(result, int) else ExitCode.ok)


def run() -> None:
    """The `sohoa` program (console script and ``python -m sohoa``): :func:`main`, then a quick exit.

    Everything that flushes or stops still runs at exit: the threads' exit hooks (Prefect's event
    and log workers, the embedded API's stop) and every other atexit handler, since this one is
    registered first and so runs last. What is skipped is the interpreter's final teardown of a
    heap that Prefect, pydantic and SQLAlchemy fill: ~1.2 s of wall time after every flow (measured),
    while nothing is left to write. Tests call :func:`main`, which keeps the normal exit.
    """
    status: list[object] = []
    atexit.register(_leave_now, status)
    try:
        main()
    except SystemExit as exc:
        status.append(exc.code)
        raise


def _leave_now(status: list[object]) -> None:
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    code = status[0] if status else ExitCode.other_error
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))
