"""The LibreOffice tests find soffice on PATH only and fail — never skip, never
fall back to a fixed path — when it is not there."""
from __future__ import annotations

from pathlib import Path

import pytest

from master_fixtures import libreoffice_convert, soffice

TESTS = Path(__file__).resolve().parent


def test_soffice_is_looked_up_on_path_only(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no LibreOffice on it
    with pytest.raises(FileNotFoundError, match="not on PATH"):
        soffice()
    book = tmp_path / "主表.xlsx"
    book.write_bytes(b"")
    with pytest.raises(FileNotFoundError, match="not on PATH"):
        libreoffice_convert([book], tmp_path / "out")


def test_no_test_hard_codes_a_libreoffice_path():
    offenders = [p.name for p in TESTS.glob("*.py")
                 if p.name != Path(__file__).name and "/usr/bin/soffice" in p.read_text(encoding="utf-8")]
    assert offenders == []
