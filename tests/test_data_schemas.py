"""Every data file matches its JSON Schema (docs/data/schemas/), and a broken entry is refused in
one line naming the file, the entry and the field."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from sitetools import outputs, records, schemas, site_data, strings
from sitetools.errors import UsageError
from sitetools.paths import DOCS, HOSTS, SCHEMAS

# Each data file under docs/ and the loader that checks it against its schema. The refusals of a bad
# docs/outputs/kinds.yml are tested in tests/test_code_blocks.py
# (test_a_bad_declaration_is_refused_naming_the_output).
LOADERS = {
    "data/isa.yml": site_data.isa_entries,
    "data/glossary.yml": site_data.glossary,
    "data/strings.yml": strings.table,
    "outputs/kinds.yml": outputs.load_kinds,
}
RECORDS = sorted(HOSTS.glob("*.json"))


def data_files() -> set[str]:
    """Every YAML and JSON file under docs/ except the schemas themselves."""
    found = {p for suffix in ("*.yml", "*.yaml", "*.json") for p in DOCS.rglob(suffix)}
    return {p.relative_to(DOCS).as_posix() for p in found if SCHEMAS not in p.parents}


def test_every_data_file_has_a_schema():
    covered = set(LOADERS) | {p.relative_to(DOCS).as_posix() for p in RECORDS}
    unchecked = sorted(data_files() - covered)
    assert not unchecked, (
        f"data files without a schema: {unchecked}; write docs/data/schemas/<name>.schema.json and "
        "load the file through sitetools.schemas.check"
    )


@pytest.mark.parametrize("name", sorted(LOADERS))
def test_every_data_file_matches_its_schema(name):
    loader = LOADERS[name]
    if hasattr(loader, "cache_clear"):
        loader.cache_clear()  # check the file as it is now, not as an earlier test loaded it
    assert loader(), f"docs/{name} is empty"


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.name)
def test_every_machine_record_matches_its_schema(path):
    assert records.read(path)["slug"] == path.stem


def test_every_schema_is_a_valid_draft_2020_12_schema():
    import jsonschema

    for path in sorted(SCHEMAS.glob("*.schema.json")):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


# ---- refusals: the schemas are live ---------------------------------------------------------


def refusal(check, data) -> str:
    """The one-line message with which `check` refuses `data`."""
    with pytest.raises(UsageError) as refused:
        check(data)
    message = str(refused.value)
    assert "\n" not in message, f"not one line: {message}"
    return message


def isa_with(name: str, **fields) -> list[dict]:
    entries = copy.deepcopy(list(site_data.isa_entries()))
    entry = next(e for e in entries if e["name"] == name)
    entry.update(fields)
    for field, value in fields.items():
        if value is KeyError:
            del entry[field]
    return entries


@pytest.mark.parametrize(
    ("fields", "where", "says"),
    [
        ({"announced": "2011-13"}, "field announced", "month must be in 1..12"),
        ({"announced": "2011-02-30"}, "field announced", "day is out of range"),
        ({"announced": "2999-01"}, "field announced", "outside 1970..today"),
        ({"flags": ["AVX2"]}, "field flags/0", "does not match"),
        ({"width_bits": 300}, "field width_bits", "is not one of"),
        ({"dtypes": ["fp64"]}, "field dtypes/0", "is not one of"),
        ({"instructions": 0}, "field instructions", "less than the minimum"),
        ({"dl_en": ""}, "field dl_en", "too short"),
        ({"colour": "red"}, "entry 'AVX2'", "'colour' was unexpected"),
        ({"sources": KeyError}, "entry 'AVX2'", "'sources' is a required property"),
        ({"flags": []}, "entry 'AVX2'", "says why in flags_note"),
        ({"intel": None, "amd": None}, "entry 'AVX2'", "name the first CPU"),
        ({"intel": {"cpu": "Haswell"}}, "field intel", "'date' is a required property"),
        ({"sources": {"announced": "https://example.org/x"}}, "field sources", "sources: intel"),
        ({"peak": {"fp64": 16}}, "field peak", "is not one of"),
    ],
)
def test_a_bad_isa_entry_is_refused_naming_entry_and_field(fields, where, says):
    message = refusal(site_data.validate_isa, isa_with("AVX2", **fields))
    assert message.startswith("isa.yml: entry 'AVX2'") and where in message and says in message


def test_a_second_isa_entry_of_the_same_name_is_refused():
    entries = isa_with("AVX2")
    entries.append(copy.deepcopy(entries[0]))
    message = refusal(site_data.validate_isa, entries)
    assert message.startswith(f"isa.yml: entry {entries[0]['name']!r}: field name: ")


def test_a_new_isa_row_with_the_fields_in_use_is_accepted():
    entries = isa_with("AVX2")
    new = copy.deepcopy(next(e for e in entries if e.get("peak") and e["amd"] is None))
    entries.append(
        {
            **new,
            "name": "A new extension",
            "flags_note_zh": "这里还没有任何标志（示例）",
            "flags_note_en": "no flag yet",
            "flags": [],
        }
    )
    site_data.validate_isa(entries)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("def_zh", "", "field def_zh: '' does not match"),
        ("id", "Not An Id", "field id: 'Not An Id' does not match"),
        ("colour", "red", "'colour' was unexpected"),
    ],
)
def test_a_bad_glossary_entry_is_refused_naming_entry_and_field(field, value, says):
    entries = copy.deepcopy(list(site_data.glossary()))
    entries[1][field] = value
    message = refusal(site_data.validate_glossary, entries)
    assert message.startswith("glossary.yml: entry ") and says in message


def test_a_glossary_term_written_twice_is_refused():
    entries = copy.deepcopy(list(site_data.glossary()))
    entries[1]["en"] = entries[0]["en"].upper()
    message = refusal(site_data.validate_glossary, entries)
    assert f"entry {entries[1]['id']!r}: field en: " in message and "twice" in message


def test_a_broken_glossary_file_is_refused_by_its_loader(tmp_path, monkeypatch):
    (tmp_path / "glossary.yml").write_text(
        "- {id: a, zh: 甲, en: a, def_zh: '', def_en: x}\n", encoding="utf-8"
    )
    monkeypatch.setattr(site_data, "DATA", tmp_path)
    site_data.glossary.cache_clear()
    try:
        assert "glossary.yml: entry 'a': field def_zh" in refusal(
            lambda _: site_data.glossary(), None
        )
    finally:
        site_data.glossary.cache_clear()


def check_strings(table: dict) -> None:
    schemas.check(table, "strings", "strings.yml", depth=2)


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda t: t["variants"]["fp32"].pop("zh"), "entry variants/fp32: 'zh' is a required"),
        (lambda t: t["ui"]["download"].update(en=" "), "entry ui/download: field en: "),
        (lambda t: t["ui"]["download"].update(de="x"), "entry ui/download: "),
        (lambda t: t["figures"].update(gemm="GEMM"), "entry figures/gemm: "),
        (lambda t: t.pop("plots"), "'plots' is a required property"),
    ],
)
def test_a_bad_interface_string_is_refused_naming_its_key(damage, says):
    table = copy.deepcopy(strings.table())
    damage(table)
    message = refusal(check_strings, table)
    assert message.startswith("strings.yml: ") and says in message


def test_a_bad_record_is_refused_naming_the_field():
    record = json.loads(RECORDS[0].read_text(encoding="utf-8"))
    record["cases"][0]["records"][0]["median_s"] = -1.0
    message = refusal(lambda r: records.validate(r, RECORDS[0].name), record)
    assert message.startswith(f"{RECORDS[0].name}: field cases/0/records/0")


def test_a_yaml_date_without_quotes_is_refused():
    """YAML reads an unquoted 2013-06 as text, but 2013-06-04 as a date object: quote dates."""
    entries = isa_with("AVX2", announced=yaml.safe_load("2013-06-04"))
    message = refusal(site_data.validate_isa, entries)
    assert "field announced" in message
