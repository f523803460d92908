"""Data files, version stamps and the Makefile's own checks."""

from __future__ import annotations

import subprocess

import pytest
from helpers import ROOT

from sitetools import site_data


def test_glossary_is_valid_and_unique():
    entries = site_data.glossary()
    assert len(entries) >= 20
    assert len({e["zh"] for e in entries}) == len(entries)
    assert len({e["en"].lower() for e in entries}) == len(entries)


def test_glossary_validation_rejects_bad_entries(tmp_path, monkeypatch):
    (tmp_path / "glossary.yml").write_text(
        "- {id: a, zh: 甲, en: a, def_zh: '', def_en: x}\n", encoding="utf-8"
    )
    monkeypatch.setattr(site_data, "DATA", tmp_path)
    site_data.glossary.cache_clear()
    try:
        with pytest.raises(ValueError, match="def_zh"):
            site_data.glossary()
    finally:
        site_data.glossary.cache_clear()


def test_tested_versions_come_from_the_lock_file():
    versions = dict(
        site_data.tested_versions([ROOT / "snippets" / "saving" / "state_dict_keys.py"])
    )
    assert versions["torch"] == site_data.locked_versions()["torch"] == "2.13.0"
    assert "Python" in versions


def test_requirements_pin_every_direct_dependency():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and line != "numpy":
            assert "==" in line, f"requirements.txt: pin {line} with =="
    lock = site_data.locked_versions()
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            assert lock.get(name.lower()) == version, (
                f"requirements.lock disagrees with requirements.txt on {name}"
            )


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_make_says_what_is_missing_when_python_is_wrong():
    result = make("check-python", "PYTHON=/nonexistent/python3.11")
    assert result.returncode != 0
    assert "error:" in result.stdout + result.stderr


def test_second_make_run_skips_the_install():
    result = make("--dry-run", "test")
    assert result.returncode == 0
    assert "pytest" in result.stdout and "pip install" not in result.stdout, result.stdout
