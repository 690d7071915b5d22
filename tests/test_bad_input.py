"""Bad input: every mistake is reported with its file, line and column, the
command exits 1 without a traceback, and nothing on disk changes.

Each case breaks a copy of data/ in tmp_path, never data/ itself.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import aseanai
from aseanai.cli import main
from conftest import append_line, append_row, checksums, read_rows, write_rows


def _drop_column(path: Path, column: str) -> None:
    rows = read_rows(path)
    i = rows[0].index(column)
    write_rows(path, [r[:i] + r[i + 1:] for r in rows])


def _descriptor_line(d: Path, name: str) -> int:
    lines = (d / "datapackage.json").read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if f'"path": "{name}.csv"' in line)


# Each case: (id, break(d) -> (file, line, column), fragment of the message)
def missing_file(d):
    (d / "agreements.csv").unlink()
    return "datapackage.json", _descriptor_line(d, "agreements"), "resources[agreements].path"


def missing_column(d):
    _drop_column(d / "agreements.csv", "status")
    return "agreements.csv", 1, "status"


def unknown_column(d):
    rows = read_rows(d / "actors.csv")
    write_rows(d / "actors.csv", [r + (["region"] if i == 0 else ["x"]) for i, r in enumerate(rows)])
    return "actors.csv", 1, "region"


def wrong_type_number(d):
    return "investments.csv", append_row(d / "investments.csv", investment_id="bad_amount", amount="lots"), "amount"


def wrong_type_integer(d):
    return "investments.csv", append_row(d / "investments.csv", investment_id="bad_year", target_year="2030.5"), "target_year"


def impossible_date(d):
    return "agreements.csv", append_row(d / "agreements.csv", agreement_id="bad_date", signed_on="2023-02-30",
                                        signed_on_precision="day"), "signed_on"


def date_wrong_format(d):
    return "milestones.csv", append_row(d / "milestones.csv", milestone_id="bad_fmt", happened_on="02/02/2024",
                                        happened_on_precision="day"), "happened_on"


def outside_enum(d):
    return "agreements.csv", append_row(d / "agreements.csv", agreement_id="bad_enum", legal_form="sort of"), "legal_form"


def bad_boolean(d):
    return "dc_projects.csv", append_row(d / "dc_projects.csv", project_id="bad_bool", in_column="yes"), "in_column"


def duplicate_key(d):
    return "actors.csv", append_row(d / "actors.csv"), "actor_id"


def duplicate_compound_key(d):
    return "agreement_parties.csv", append_row(d / "agreement_parties.csv"), "agreement_id+actor_id"


def dangling_foreign_key(d):
    return "agreement_parties.csv", append_row(d / "agreement_parties.csv", agreement_id="no_such_agreement"), "agreement_id"


def dangling_self_reference(d):
    return "agreements.csv", append_row(d / "agreements.csv", agreement_id="bad_ref", builds_on_id="no_such"), "builds_on_id"


def unknown_iso_code(d):
    return "actors.csv", append_row(d / "actors.csv", actor_id="ZZZ", name="Nowhere", actor_type="state"), "actor_id"


def unknown_source(d):
    return "claims.csv", append_row(d / "claims.csv", claim_id="c99", source_ids="column;no_such_source"), "source_ids"


def empty_source_ids(d):
    return "tech_presence.csv", append_row(d / "tech_presence.csv", presence_type="office", host_id="THA",
                                           source_ids=""), "source_ids"


def negative_amount(d):
    return "investments.csv", append_row(d / "investments.csv", investment_id="neg", amount="-5",
                                         usd_per_unit="", amount_usd="", fx_on=""), "amount"


def mismatched_usd(d):
    return "investments.csv", append_row(d / "investments.csv", investment_id="mismatch", amount="1000",
                                         currency="SGD", usd_per_unit="0.75", amount_usd="999"), "amount_usd"


def empty_file(d):
    (d / "milestones.csv").write_bytes(b"")
    return "milestones.csv", 1, "*"


def not_utf8(d):
    line = append_row(d / "actors.csv", actor_id="cafe", name="Cafe", actor_type="company")
    p = d / "actors.csv"
    p.write_bytes(p.read_bytes().replace(b"Cafe", "Café".encode("latin-1")))
    return "actors.csv", line, "name"


def stray_delimiter(d):
    line = append_row(d / "actors.csv", actor_id="stray", name="Stray", actor_type="company")
    p = d / "actors.csv"
    p.write_text(p.read_text(encoding="utf-8").rstrip("\n") + ",oops\n", encoding="utf-8")
    return "actors.csv", line, "field 5"


def too_few_fields(d):
    return "actors.csv", append_line(d / "actors.csv", "short,Short"), "actor_type"


def reversed_period(d):
    return "company_origins.csv", append_row(d / "company_origins.csv", actor_id="gds", basis="parent company",
                                             valid_from="2024-01-01", valid_from_precision="day",
                                             valid_to="2020-01-01", valid_to_precision="day"), "valid_to"


def required_empty(d):
    return "claims.csv", append_row(d / "claims.csv", claim_id="c98", quote=""), "quote"


def precision_not_first_day(d):
    return "milestones.csv", append_row(d / "milestones.csv", milestone_id="bad_prec", happened_on="2024-09-20",
                                        happened_on_precision="month"), "happened_on"


def precision_without_date(d):
    return "milestones.csv", append_row(d / "milestones.csv", milestone_id="prec_only", planned_on="",
                                        planned_on_precision="year"), "planned_on_precision"


def pattern_mismatch(d):
    return "claims.csv", append_row(d / "claims.csv", claim_id="claim-1"), "claim_id"


def wrong_actor_kind(d):
    return "agreement_parties.csv", append_row(d / "agreement_parties.csv", actor_id="gds"), "actor_id"


def share_above_one(d):
    return "dc_project_actors.csv", append_row(d / "dc_project_actors.csv", actor_id="google", share="1.5"), "share"


def table1_without_column_text(d):
    return "agreements.csv", append_row(d / "agreements.csv", agreement_id="no_text", in_column_table="true",
                                        column_name=""), "column_name"


def unclosed_quote(d):
    return "sources.csv", append_line(d / "sources.csv", 'broken,"Unclosed title,publisher'), "*"


def descriptor_not_json(d):
    p = d / "datapackage.json"
    p.write_text(p.read_text(encoding="utf-8").replace('"resources": [', '"resources": [,', 1), encoding="utf-8")
    line = next(n for n, s in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if '"resources": [,' in s)
    return "datapackage.json", line, "*"


CASES = [missing_file, missing_column, unknown_column, wrong_type_number, wrong_type_integer, impossible_date,
         date_wrong_format, outside_enum, bad_boolean, duplicate_key, duplicate_compound_key, dangling_foreign_key,
         dangling_self_reference, unknown_iso_code, unknown_source, empty_source_ids, negative_amount, mismatched_usd,
         empty_file, not_utf8, stray_delimiter, too_few_fields, reversed_period, required_empty,
         precision_not_first_day, precision_without_date, pattern_mismatch, wrong_actor_kind, share_above_one,
         table1_without_column_text, unclosed_quote, descriptor_not_json]

FRAGMENTS = {
    "missing_file": "file not found", "missing_column": "column missing", "unknown_column": "not in datapackage.json",
    "wrong_type_number": "not a number (found 'lots')", "wrong_type_integer": "not a whole number",
    "impossible_date": "not a valid date", "date_wrong_format": "not a valid date",
    "outside_enum": "not one of", "bad_boolean": "not true or false", "duplicate_key": "duplicate primary key",
    "duplicate_compound_key": "duplicate primary key", "dangling_foreign_key": "not found in agreements.csv",
    "dangling_self_reference": "not found in agreements.csv", "unknown_iso_code": "ISO 3166-1 alpha-3",
    "unknown_source": "unknown source id", "empty_source_ids": "required value is empty",
    "negative_amount": "below the minimum 0", "mismatched_usd": "does not match amount x usd_per_unit",
    "empty_file": "file is empty", "not_utf8": "not valid UTF-8", "stray_delimiter": "stray delimiter",
    "too_few_fields": "missing value or delimiter", "reversed_period": "period ends before it starts",
    "required_empty": "required value is empty", "precision_not_first_day": "store the first day",
    "precision_without_date": "given but planned_on is empty", "pattern_mismatch": "does not match the pattern",
    "wrong_actor_kind": "must name a bloc or state", "share_above_one": "above the maximum 1",
    "table1_without_column_text": "required for a Table 1 instrument", "unclosed_quote": "not valid CSV",
    "descriptor_not_json": "not valid JSON",
}


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_bad_input_is_located_and_nothing_changes(case, data_copy, capsys):
    file, line, column = case(data_copy)
    before = checksums(data_copy)

    code = main(["validate", "--data-dir", str(data_copy)])
    out, err = capsys.readouterr()

    assert code == 1
    assert "Traceback" not in out + err
    pattern = rf"(^|/){re.escape(file)}:{line}: {re.escape(column)}: "
    hits = [m for m in err.splitlines() if re.search(pattern, m)]
    assert hits, f"no problem at {file}:{line}: {column}: in\n{err}"
    assert any(FRAGMENTS[case.__name__] in h for h in hits), hits
    assert checksums(data_copy) == before


@pytest.mark.parametrize("case", [wrong_type_number, dangling_foreign_key, not_utf8], ids=lambda c: c.__name__)
def test_library_raises_one_error_listing_the_problem(case, data_copy):
    file, line, column = case(data_copy)
    before = checksums(data_copy)
    with pytest.raises(aseanai.DataError) as info:
        aseanai.load_all(data_copy)
    assert re.search(rf"(^|/){re.escape(file)}:{line}: {re.escape(column)}: ", str(info.value), re.M)
    assert any(p.line == line and p.column == column for p in info.value.problems)
    assert checksums(data_copy) == before


def test_all_problems_are_reported_not_only_the_first(data_copy):
    expected = [wrong_type_number(data_copy), dangling_foreign_key(data_copy), unknown_source(data_copy),
                reversed_period(data_copy)]
    problems = aseanai.validate(data_copy)
    for file, line, column in expected:
        assert any(p.file.endswith(file) and p.line == line and p.column == column for p in problems), (file, line)
    assert len(problems) >= len(expected)


def test_load_one_table_reports_its_own_problems(data_copy):
    file, line, column = outside_enum(data_copy)
    with pytest.raises(aseanai.DataError, match=rf"{file}:{line}: {column}: not one of"):
        aseanai.load("agreements", data_copy)


def test_missing_data_directory_is_a_clear_error(tmp_path, capsys):
    code = main(["validate", "--data-dir", str(tmp_path / "nowhere")])
    err = capsys.readouterr().err
    assert code == 1
    assert "nowhere:0: *: data directory not found" in err


def test_blank_line_is_skipped_and_line_numbers_stay_true(data_copy):
    p = data_copy / "actors.csv"
    append_line(p, "")
    line = append_row(p, actor_id="ZZZ", name="Nowhere", actor_type="state")
    problems = aseanai.validate(data_copy)
    assert [(p.line, p.column) for p in problems if p.file.endswith("actors.csv")] == [(line, "actor_id")]


def test_descriptor_is_valid_json_in_repo():
    # guards the descriptor_not_json case: the break must come from the test, not the file
    json.loads((Path(aseanai.__file__).resolve().parents[2] / "data" / "datapackage.json").read_text("utf-8"))
