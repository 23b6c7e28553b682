"""`sohoa editors`: the archivists who may correct pages, and the secret that signs web sessions."""

from __future__ import annotations

import sys

import click

from sohoa.settings import Settings


@click.group()
def editors() -> None:
    """Editor accounts (archivists who correct OCR in the web app), and sign-out for everyone.

    \b
      sohoa editors add lan          (prints a new code once: hand it to Lan)
      sohoa editors list
      sohoa editors remove lan       (her sessions stop at once)
      sohoa editors rotate-secret    (every member and editor is signed out; codes stay)
    """


@editors.command("add")
@click.argument("name")
@click.option("--code-stdin", is_flag=True, help="Read the code from standard input instead of making one.")
@click.pass_obj
def add(settings: Settings, name: str, code_stdin: bool) -> None:
    """Add an editor (or give NAME a new code). The code is stored only as a hash."""
    from corpus.editors import add_editor, new_code
    from sohoa.cli.archive import _open

    code = sys.stdin.readline().strip() if code_stdin else new_code()
    add_editor(_open(settings).catalog, name.strip().lower(), code)
    click.echo(f"biên tập viên / editor {name.strip().lower()} đã thêm / added")
    if not code_stdin:
        click.echo(f"mã / code (chỉ hiện một lần / shown once): {code}")


@editors.command("remove")
@click.argument("name")
@click.pass_obj
def remove(settings: Settings, name: str) -> None:
    """Remove an editor; their corrections stay, signed with their name."""
    from corpus.editors import remove_editor
    from sohoa.cli.archive import _open

    remove_editor(_open(settings).catalog, name.strip().lower())
    click.echo(f"{name}: đã xóa / removed")


@editors.command("list")
@click.pass_obj
def list_(settings: Settings) -> None:
    """List editors."""
    from corpus.editors import list_editors
    from sohoa.cli.archive import _open

    found = list_editors(_open(settings).catalog)
    for name, created in found:
        click.echo(f"{name}\t{created}")
    if not found:
        click.echo("Chưa có biên tập viên / no editors yet: sohoa editors add NAME")


@editors.command("rotate-secret")
@click.pass_obj
def rotate(settings: Settings) -> None:
    """Sign every member and editor out of the web app (a new server secret); their codes stay."""
    from sohoa.cli.archive import _open
    from web.sessions import rotate_secret

    rotate_secret(_open(settings).root)
    click.echo("Mọi phiên đăng nhập đã hết hiệu lực / every web session is signed out")
