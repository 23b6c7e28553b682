"""A symlink dropped into a watched inbox, met by a real `sohoa watch --once` process."""

from __future__ import annotations

from pathlib import Path

from tests.fault_injection import one_page_scan, sohoa


def test_a_symlink_in_the_inbox_is_refused_in_one_line_and_nothing_is_archived(scans, tmp_path: Path) -> None:
    secret = one_page_scan(scans, tmp_path / "private", "noi-bo.png")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "tai-lieu.png").symlink_to(secret)
    folder = inbox / "ho-so"
    folder.mkdir()
    (folder / "trang-1.png").symlink_to(secret)
    home = tmp_path / "archive"
    ran = sohoa(home, "watch", str(inbox), "--once", "--settle", "0.5", timeout=600)
    failed = inbox / "failed"
    assert (failed / "tai-lieu.png").is_symlink() and (failed / "ho-so").is_dir()
    reason = (failed / "tai-lieu.png.reason.txt").read_text(encoding="utf-8")
    assert "a symlink is refused" in reason and len(reason.strip().splitlines()) == 2  # stamp, then the line
    assert "tai-lieu.png: lối tắt bị từ chối / a symlink is refused" in ran.stderr
    assert "Traceback" not in ran.stderr
    assert not (home / "originals").exists() or not any((home / "originals").rglob("*.png"))
    assert secret.exists()
