"""The contract, meaning checks and unreadable input (issue 10, sections 2-4).

Same rules as test_bad_input.py: each case breaks a copy of data/ in tmp_path,
and `aseanai validate` must name the file, line and column, exit 1 without a
traceback, and leave every file as it was.
"""
from __future__ import annotations

import json
import os
import pathlib
import re
from pathlib import Path

import pytest

import aseanai
from aseanai import reader
from aseanai.cli import main
from conftest import append_row, checksums, find_row, read_rows, set_cell, write_rows

DESC = "datapackage.json"


def _desc(d: Path) -> dict:
    return json.loads((d / DESC).read_text(encoding="utf-8"))


def _write_desc(d: Path, desc) -> None:
    (d / DESC).write_text(json.dumps(desc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _line(d: Path, pattern: str, after: str | None = None) -> int:
    """First line of datapackage.json matching ``pattern`` (after the first line matching ``after``)."""
    lines = (d / DESC).read_text(encoding="utf-8").splitlines()
    start = 0 if after is None else next(n for n, s in enumerate(lines) if re.search(after, s))
    return next(n for n, s in enumerate(lines[start:], start + 1) if re.search(pattern, s))


def _resource(desc: dict, name: str) -> dict:
    return next(r for r in desc["resources"] if r.get("name") == name)


def _field(desc: dict, res: str, name: str) -> dict:
    return next(f for f in _resource(desc, res)["schema"]["fields"] if f["name"] == name)


def _run(data_copy, capsys) -> str:
    before = checksums(data_copy)
    code = main(["validate", "--data-dir", str(data_copy)])
    out, err = capsys.readouterr()
    assert code == 1, out
    assert "Traceback" not in out + err
    assert checksums(data_copy) == before
    return err


def _assert_reported(err: str, file: str, line: int, column: str, fragment: str) -> None:
    pattern = rf"(^|/){re.escape(file)}:{line}: {re.escape(column)}: "
    hits = [m for m in err.splitlines() if re.search(pattern, m)]
    assert hits, f"no problem at {file}:{line}: {column}: in\n{err}"
    assert any(fragment in h for h in hits), hits


# ---------------------------------------------------------------- 2. the contract belongs to the library


def contract_table_removed_and_dangling_key(d):
    """The issue's example: actors removed from the descriptor, plus a party pointing at XYZ."""
    desc = _desc(d)
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "actors"]
    _write_desc(d, desc)
    line = append_row(d / "agreement_parties.csv", actor_id="XYZ")
    return [(DESC, _line(d, r'"resources"\s*:'), "resources[actors]", "table missing from the descriptor"),
            ("agreement_parties.csv", line, "actor_id", "not found in actors.csv")]


def contract_column_removed(d):
    desc = _desc(d)
    fields = _resource(desc, "agreements")["schema"]["fields"]
    fields[:] = [f for f in fields if f["name"] != "status"]
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"fields"\s*:', after=r'"name": "agreements"'), "resources[agreements].schema.fields[status]",
             "column missing from the descriptor")]


def contract_foreign_key_removed(d):
    desc = _desc(d)
    schema = _resource(desc, "agreement_parties")["schema"]
    schema["foreignKeys"] = [fk for fk in schema["foreignKeys"] if fk["fields"] != ["actor_id"]]
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"foreignKeys"', after=r'"name": "agreement_parties"'),
             "resources[agreement_parties].schema.foreignKeys", "foreign key actor_id -> actors.actor_id missing")]


def contract_primary_key_changed(d):
    desc = _desc(d)
    _resource(desc, "actors")["schema"]["primaryKey"] = ["name"]
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"primaryKey"', after=r'"name": "actors"'), "resources[actors].schema.primaryKey",
             'must be ["actor_id"]')]


def contract_constraint_weakened(d):
    desc = _desc(d)
    _field(desc, "dc_project_actors", "share")["constraints"]["maximum"] = 2
    del _field(desc, "agreements", "legal_form")["constraints"]["enum"]
    _write_desc(d, desc)
    line = append_row(d / "dc_project_actors.csv", actor_id="google", share="1.5")
    return [(DESC, _line(d, r'"name": "share"', after=r'"name": "dc_project_actors"'),
             "resources[dc_project_actors].schema.fields[share].constraints.maximum", "must be 1"),
            (DESC, _line(d, r'"name": "legal_form"', after=r'"name": "agreements"'),
             "resources[agreements].schema.fields[legal_form].constraints.enum", "missing"),
            ("dc_project_actors.csv", line, "share", "above the maximum 1")]  # the contract still applies


def contract_type_changed(d):
    desc = _desc(d)
    _field(desc, "investments", "amount")["type"] = "string"
    _write_desc(d, desc)
    line = append_row(d / "investments.csv", investment_id="lots", amount="lots")
    return [(DESC, _line(d, r'"name": "amount"', after=r'"name": "investments"'),
             "resources[investments].schema.fields[amount].type", 'must be "number"'),
            ("investments.csv", line, "amount", "not a number")]


def contract_table_added(d):
    desc = _desc(d)
    extra = dict(_resource(desc, "claims"), name="claims2", path="claims.csv")
    desc["resources"].append(extra)
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"name": "claims2"'), "resources[claims2]", "not in the library's contract")]


# ---------------------------------------------------------------- 3. meaning checks


def shares_above_one(d):
    p = d / "dc_project_actors.csv"
    first = find_row(p, project_id="ytl_kulai_2023_12_08")
    set_cell(p, "share", "0.6", row=first)
    line = append_row(p, base=first, actor_id="google", share="0.7")
    return [("dc_project_actors.csv", first + 2, "share", "add up to 1.3, more than 1"),
            ("dc_project_actors.csv", first + 2, "share", f"lines {first + 2}, {line}")]


def share_negative(d):
    line = append_row(d / "dc_project_actors.csv", actor_id="google", share="-0.3")
    return [("dc_project_actors.csv", line, "share", "below the minimum 0")]


def restates_itself(d):
    line = append_row(d / "investments.csv", investment_id="loop", restates_id="loop")
    return [("investments.csv", line, "restates_id", "points at its own row")]


def restates_cycle(d):
    a = append_row(d / "investments.csv", investment_id="pledge_a", restates_id="pledge_b")
    b = append_row(d / "investments.csv", investment_id="pledge_b", restates_id="pledge_a")
    return [("investments.csv", a, "restates_id", "forms a cycle: pledge_a -> pledge_b -> pledge_a"),
            ("investments.csv", b, "restates_id", "forms a cycle")]


def builds_on_cycle(d):
    p = d / "agreements.csv"
    row = find_row(p, agreement_id="au_sg_ai_mou_2020")
    set_cell(p, "builds_on_id", "au_sg_ai_mou_2024", row=row)  # au_sg_ai_mou_2024 builds on au_sg_ai_mou_2020
    return [("agreements.csv", row + 2, "builds_on_id", "forms a cycle")]


def origins_overlap(d):
    # dayone's parent company is CHN from 2022 to 2025-01; a second parent from 2024 overlaps it
    line = append_row(d / "company_origins.csv", base=8, origin_id="USA", valid_from="2024-01-01",
                      valid_from_precision="day", valid_to="", valid_to_precision="")
    return [("company_origins.csv", line, "valid_from", "overlaps the period on line 10")]


def origins_adjacent_is_fine(d):
    """Control: a period may start on the day the previous one ends (airtrunk's owners do)."""
    return []


def delivered_after_status_as_of(d):
    line = append_row(d / "milestones.csv", milestone_id="late_claim", happened_on="2024-06-01",
                      happened_on_precision="day", status_as_of="2024-05-01")
    return [("milestones.csv", line, "status_as_of", "earlier than the happened_on it confirms")]


def delivered_in_the_future(d):
    line = append_row(d / "milestones.csv", milestone_id="future", happened_on="2099-01-01",
                      happened_on_precision="day")
    return [("milestones.csv", line, "happened_on", "after today")]


def delivered_without_date(d):
    line = append_row(d / "milestones.csv", milestone_id="undated", happened_on="", happened_on_precision="")
    return [("milestones.csv", line, "happened_on", "required when status is 'delivered'")]


def delivered_backed_by_older_source(d):
    # the only source was published in December 2023; it cannot confirm a delivery in May 2024
    line = append_row(d / "milestones.csv", base=2, milestone_id="unbacked", happened_on="2024-05-02",
                      happened_on_precision="day", status_as_of="2024-06-01", source_ids="edb_2023_12_nais2")
    return [("milestones.csv", line, "source_ids", "backed only by sources dated before it (latest 2023-12)")]


def signed_after_status_as_of(d):
    line = append_row(d / "agreements.csv", agreement_id="early_status", status="signed", signed_on="2024-03-01",
                      signed_on_precision="day", status_as_of="2024-02-01")
    return [("agreements.csv", line, "status_as_of", "earlier than the signed_on it confirms")]


def signed_backed_by_older_source(d):
    # an agreement signed in May 2024 cannot rest only on a source of December 2023 (Kominfo's circular did)
    line = append_row(d / "agreements.csv", agreement_id="unbacked_signing", status="signed", signed_on="2024-05-02",
                      signed_on_precision="day", status_as_of="2024-06-01", source_ids="edb_2023_12_nais2")
    return [("agreements.csv", line, "source_ids", "backed only by sources dated before it (latest 2023-12)")]


def opening_reported_before_it_happened(d):
    # an opening in May 2024 cannot rest only on a source of December 2023: it could only announce it
    line = append_row(d / "dc_projects.csv", project_id="unreported_opening", event="opening", event_on="2024-05-02",
                      event_on_precision="day", source_ids="edb_2023_12_nais2")
    return [("dc_projects.csv", line, "source_ids", "event_on 2024-05-02 is backed only by sources dated before it")]


def pledge_reported_before_it_was_made(d):
    line = append_row(d / "investments.csv", investment_id="unreported_pledge", announced_on="2024-05-02",
                      announced_on_precision="day", restates_id="", source_ids="edb_2023_12_nais2")
    return [("investments.csv", line, "source_ids", "announced_on 2024-05-02 is backed only by sources dated before")]


def mirror_without_its_original(d):
    line = append_row(d / "sources.csv", base=1, source_id="copied_page", is_mirror="true", note="")
    return [("sources.csv", line, "note", "required for a mirror (say whose item it reproduces) (is_mirror is true)")]


def official_level_without_official_source(d):
    # an instrument called 'official' that cites only a news page (the Straits Times report on SG-CN MoUs)
    line = append_row(d / "agreements.csv", agreement_id="news_only_official", evidence_level="official",
                      source_ids="st_2022_06_13_sg_cn_mous")
    return [("agreements.csv", line, "evidence_level",
             "'official' but no cited source is of type 'official' (cited: news)")]


def unknown_currency(d):
    line = append_row(d / "investments.csv", investment_id="xyz_money", currency="XYZ", usd_per_unit="",
                      amount_usd="", fx_on="")
    return [("investments.csv", line, "currency", "not an ISO 4217 currency code")]


def zero_exchange_rate(d):
    line = append_row(d / "investments.csv", investment_id="free_money", currency="SGD", usd_per_unit="0",
                      amount_usd="0")
    return [("investments.csv", line, "usd_per_unit", "must be more than 0")]


def year_3023(d):
    line = append_row(d / "investments.csv", investment_id="far_future", target_year="3023")
    return [("investments.csv", line, "target_year", "implausible year")]


def date_3023(d):
    line = append_row(d / "dc_projects.csv", project_id="far_future", event_on="3023-01-01",
                      event_on_precision="day")
    return [("dc_projects.csv", line, "event_on", "implausible date")]


def table_without_rows(d):
    p = d / "claims.csv"
    write_rows(p, read_rows(p)[:1])
    return [("claims.csv", 1, "*", "the table has no rows")]


# ---------------------------------------------------------------- 3b. meaning checks of the survey tables

RESP = "survey_responses.csv"


def _asean_2020_china(d) -> int:
    return find_row(d / RESP, response_id="r2020_asean_forced_choice_china")


def survey_share_above_100(d):
    line = append_row(d / RESP, base=_asean_2020_china(d), response_id="too_much", share_pct="130", is_preferred="false")
    return [(RESP, line, "share_pct", "above the maximum 100")]


def survey_two_preferred_values(d):
    line = append_row(d / RESP, base=_asean_2020_china(d), response_id="second_opinion", share_pct="46.0")
    return [(RESP, line, "is_preferred", "two preferred values for one figure")]


def survey_no_preferred_value(d):
    row = _asean_2020_china(d)
    set_cell(d / RESP, "is_preferred", "false", row=row)
    return [(RESP, row + 2, "is_preferred", "no preferred value for this figure")]


def survey_sides_do_not_add_up(d):
    row = _asean_2020_china(d)
    set_cell(d / RESP, "share_pct", "56.4", row=row)  # with the US side's 53.6: 110
    return [(RESP, row + 2, "share_pct", "add up to 56.4 + 53.6 = 110, not 100")]


def survey_disputed_value_not_preferred_is_fine(d):
    """Control: Viet Nam 2024 has 79.0 (preferred) and 79.6 (not): only the preferred side is summed."""
    return []


def survey_state_with_bloc_weighting(d):
    row = find_row(d / RESP, response_id="r2020_brn_forced_choice_china")
    set_cell(d / RESP, "weighting", "equal country weights", row=row)
    return [(RESP, row + 2, "weighting", "for a state (BRN) must be one of: country sample")]


def survey_neither_share_nor_words(d):
    row = _asean_2020_china(d)
    set_cell(d / RESP, "share_pct", "", row=row)
    return [(RESP, row + 2, "share_pct", "empty, and so is share_text")]


def survey_answer_of_another_question(d):
    row = _asean_2020_china(d)
    set_cell(d / RESP, "answer_id", "not_siding", row=row)
    return [(RESP, row + 2, "question_id+answer_id", "not found in survey_answers.csv question_id+answer_id")]


def survey_unknown_edition(d):
    row = _asean_2020_china(d)
    set_cell(d / RESP, "edition_id", "sosea_1999", row=row)
    return [(RESP, row + 2, "edition_id", "not found in survey_editions.csv edition_id")]


# ---------------------------------------------------------------- 4. never a traceback


def data_file_is_a_folder(d):
    (d / "actors.csv").unlink()
    (d / "actors.csv").mkdir()
    return [(DESC, _line(d, r'"path": "actors.csv"'), "resources[actors].path", "is a folder, not a file")]


def data_file_symlink_loop(d):
    (d / "actors.csv").unlink()
    os.symlink("actors.csv", d / "actors.csv")
    return [(DESC, _line(d, r'"path": "actors.csv"'), "resources[actors].path", "symlink loop")]


def descriptor_symlink_loop(d):
    (d / DESC).unlink()
    os.symlink(DESC, d / DESC)
    return [(DESC, 0, "*", "symlink loop")]


def descriptor_is_a_folder(d):
    (d / DESC).unlink()
    (d / DESC).mkdir()
    return [(DESC, 0, "*", "is a folder, not a file")]


def resource_without_name(d):
    desc = _desc(d)
    del _resource(desc, "claims")["name"]
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"path": "claims.csv"'), "resources[11].name", "every table needs a \"name\""),
            (DESC, _line(d, r'"resources"\s*:'), "resources[claims]", "table missing from the descriptor")]


def field_without_name(d):
    desc = _desc(d)
    del _field(desc, "actors", "note")["name"]
    _write_desc(d, desc)
    fields = _line(d, r'"fields"', after=r'"name": "actors"')
    return [(DESC, fields, "resources[actors].schema.fields[3]", "field without a \"name\""),
            (DESC, fields, "resources[actors].schema.fields[note]", "column missing")]


def resources_as_object(d):
    desc = _desc(d)
    desc["resources"] = {r["name"]: r for r in desc["resources"]}
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"resources"\s*:'), "resources", "must be an array [...] of tables")]


def descriptor_top_level_array(d):
    _write_desc(d, _desc(d)["resources"])
    return [(DESC, 1, "*", "the top level must be an object")]


def pattern_not_a_regex(d):
    desc = _desc(d)
    _field(desc, "claims", "claim_id")["constraints"]["pattern"] = "^c[0-9{2}$"
    _write_desc(d, desc)
    return [(DESC, _line(d, r'"name": "claim_id"'), "resources[claims].schema.fields[claim_id].constraints.pattern",
             "not a valid regular expression")]


def header_trailing_comma(d):
    p = d / "actors.csv"
    lines = p.read_text(encoding="utf-8").split("\n")
    lines[0] += ","
    p.write_text("\n".join(lines), encoding="utf-8")
    return [("actors.csv", 1, "field 5", "empty column name (a trailing comma at the end of the header?)")]


def semicolon_delimiter(d):
    p = d / "actors.csv"
    write_rows(p, [[";".join(r)] for r in read_rows(p)])
    return [("actors.csv", 1, "*", "seems to use ';' between columns")]


def carriage_return_line_endings(d):
    p = d / "actors.csv"
    p.write_bytes(p.read_bytes().replace(b"\n", b"\r"))
    return [("actors.csv", 1, "*", "carriage return (CR, old Mac line endings)")]


CASES = [contract_table_removed_and_dangling_key, contract_column_removed, contract_foreign_key_removed,
         contract_primary_key_changed, contract_constraint_weakened, contract_type_changed, contract_table_added,
         shares_above_one, share_negative, restates_itself, restates_cycle, builds_on_cycle, origins_overlap,
         delivered_after_status_as_of, delivered_in_the_future, delivered_without_date,
         delivered_backed_by_older_source, signed_after_status_as_of, signed_backed_by_older_source,
         opening_reported_before_it_happened, pledge_reported_before_it_was_made, mirror_without_its_original,
         official_level_without_official_source, unknown_currency, zero_exchange_rate,
         year_3023, date_3023, table_without_rows,
         survey_share_above_100, survey_two_preferred_values, survey_no_preferred_value, survey_sides_do_not_add_up,
         survey_state_with_bloc_weighting, survey_neither_share_nor_words, survey_answer_of_another_question,
         survey_unknown_edition,
         data_file_is_a_folder, data_file_symlink_loop, descriptor_symlink_loop, descriptor_is_a_folder,
         resource_without_name, field_without_name, resources_as_object, descriptor_top_level_array,
         pattern_not_a_regex, header_trailing_comma, semicolon_delimiter, carriage_return_line_endings]


CONTROLS = [origins_adjacent_is_fine, survey_disputed_value_not_preferred_is_fine]


@pytest.mark.parametrize("case", CONTROLS, ids=[c.__name__ for c in CONTROLS])
def test_controls_pass(case, data_copy):
    assert case(data_copy) == []
    assert aseanai.validate(data_copy) == []


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_each_case_is_located_and_nothing_changes(case, data_copy, capsys):
    expected = case(data_copy)
    err = _run(data_copy, capsys)
    for file, line, column, fragment in expected:
        _assert_reported(err, file, line, column, fragment)


def test_the_bundled_data_pass_the_new_checks():
    # the checks above must fail on broken copies only; this is the control for all of them
    assert aseanai.validate() == []


def test_the_library_raises_for_a_weakened_descriptor(data_copy):
    contract_table_removed_and_dangling_key(data_copy)
    with pytest.raises(aseanai.DataError, match=r"resources\[actors\]: table missing"):
        aseanai.load_all(data_copy)
    with pytest.raises(aseanai.DataError, match=r"resources\[actors\]: table missing"):
        aseanai.load("agreement_parties", data_copy)


def test_a_descriptor_may_add_documentation(data_copy):
    desc = _desc(data_copy)
    _field(desc, "actors", "name")["description"] = "Changed text: documentation is the descriptor's to write."
    _resource(desc, "actors")["title"] = "Everyone"
    _write_desc(data_copy, desc)
    assert aseanai.validate(data_copy) == []
    assert aseanai.read_package(data_copy).resource("actors").title == "Everyone"


def test_unreadable_data_file(data_copy, capsys, monkeypatch):
    target = data_copy / "actors.csv"
    before = checksums(data_copy)
    target.chmod(0)
    real = pathlib.Path.read_bytes

    def read_bytes(self):  # root reads anything: refuse as the kernel would for anyone else
        if self == target:
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    code = main(["validate", "--data-dir", str(data_copy)])
    out, err = capsys.readouterr()
    target.chmod(0o644)
    monkeypatch.undo()
    assert code == 1 and "Traceback" not in out + err
    _assert_reported(err, DESC, _line(data_copy, r'"path": "actors.csv"'), "resources[actors].path",
                     "permission denied (cannot read the file)")
    assert checksums(data_copy) == before


def test_build_with_a_missing_notebook_is_a_message(tmp_path, capsys):
    code = main(["build", "--out", str(tmp_path / "out"), str(tmp_path / "nope.ipynb")])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in out + err
    assert f"{tmp_path / 'nope.ipynb'}: notebook not found" in err
    assert not (tmp_path / "out").exists()


def test_many_problems_print_the_first_50_and_a_count(data_copy, capsys):
    p = data_copy / "actors.csv"
    for i in range(60):
        append_row(p, actor_id=f"ZZ{i:02d}", name="Nowhere", actor_type="state")
    err = _run(data_copy, capsys)
    shown = [line for line in err.splitlines() if re.search(r"(^|/)actors\.csv:\d+: ", line)]
    assert len(shown) == 50
    assert re.search(r"actors\.csv: \.\.\. and 10 more problems in this file \(60 in all", err)
    with pytest.raises(aseanai.DataError) as info:
        aseanai.load_all(data_copy)
    assert len(info.value.problems) == 60  # the library keeps them all


def test_validate_reads_each_file_once(data_copy, capsys, monkeypatch):
    calls = []
    real = reader.read_raw

    def counting(pkg, name):
        calls.append(name)
        return real(pkg, name)

    monkeypatch.setattr("aseanai.checks.read_raw", counting)
    assert main(["validate", "--data-dir", str(data_copy)]) == 0
    assert sorted(calls) == sorted(aseanai.read_package(data_copy).names)


def test_the_contract_ships_as_package_data():
    from aseanai.datapackage import CONTRACT, read_contract

    assert CONTRACT.is_file() and CONTRACT.is_relative_to(Path(aseanai.__file__).parent)
    assert [r["name"] for r in read_contract()["resources"]] == aseanai.read_package().names


def test_domain_rules_live_in_the_contract():
    from aseanai import checks, reader as r
    from aseanai.datapackage import read_contract

    for gone in ("ACTOR_ROLES", "PERIODS", "USD_TOLERANCE"):
        assert not hasattr(checks, gone), gone
    assert not hasattr(r, "_TRUE")
    res = {x["name"]: x for x in read_contract()["resources"]}
    assert res["investments"]["x-usd"]["tolerance"] == 0.005
    assert res["company_origins"]["x-periods"][0]["from"] == "valid_from"
    fields = {f["name"]: f for f in res["agreement_parties"]["schema"]["fields"]}
    assert fields["actor_id"]["x-actorTypes"] == ["bloc", "state"]


def test_private_helpers_stay_private():
    import aseanai.checks

    src = Path(aseanai.checks.__file__).read_text(encoding="utf-8")
    assert not re.search(r"from \.\w+ import [^\n]*\b_\w+", src)
    assert callable(aseanai.load) and callable(aseanai.validate) and callable(aseanai.load_all)
