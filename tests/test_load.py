"""Loaders: dtypes from the schema, unique keys, one hand-checked value per table."""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import aseanai
from aseanai.datapackage import read_package

HAND_CHECKED = {  # table: (key column, key, column, value as the CSV says it)
    "sources": ("source_id", "column", "source_type", "column"),
    "actors": ("actor_id", "SGP", "actor_type", "state"),
    "bloc_members": ("member_id", "KHM", "joined_on", pd.Timestamp("1999-04-30")),
    "company_origins": ("actor_id", "microsoft", "origin_id", "USA"),
    "agreements": ("agreement_id", "sg_jp_moc_2022", "term_years", 3),
    "agreement_parties": ("agreement_id", "kor_sg_ai_mou_2022", "side", "asean"),
    "dc_projects": ("project_id", "gds_johor_ntp_2021_07_15", "capacity_mw", 54.0),
    "dc_project_actors": ("project_id", "sg_dccfa_2023_microsoft", "actor_id", "microsoft"),
    "tech_presence": ("actor_id", "tencent", "since", pd.Timestamp("2020-09-15")),
    "investments": ("investment_id", "aws_singapore_2024", "amount_usd", 8.88e9),
    "milestones": ("milestone_id", "vn_ai_strategy_2021", "happened_on", pd.Timestamp("2021-01-26")),
    "claims": ("claim_id", "c23", "verdict", "contradicted"),
}
DTYPE_OF = {"string": "string", "list": "string", "integer": "Int64", "number": "Float64", "boolean": "boolean",
            "date": "datetime64[s]"}


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_dtypes_follow_the_schema(name):
    df = aseanai.load(name)
    res = read_package().resource(name)
    assert list(df.columns) == res.field_names
    for f in res.fields:
        if f.enum:
            assert isinstance(df[f.name].dtype, pd.CategoricalDtype), f.name
            assert list(df[f.name].cat.categories) == f.enum and df[f.name].cat.ordered
        else:
            assert str(df[f.name].dtype) == DTYPE_OF[f.type], f.name


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_primary_keys_unique_and_complete(name):
    df = aseanai.load(name)
    pk = list(read_package().resource(name).primary_key)
    assert not df[pk].isna().any().any()
    assert not df.duplicated(pk).any()


@pytest.mark.parametrize("name", sorted(HAND_CHECKED))
def test_one_hand_checked_value(name):
    key_col, key, col, value = HAND_CHECKED[name]
    rows = aseanai.load(name)
    row = rows[rows[key_col] == key]
    assert len(row) >= 1
    assert row[col].iloc[0] == value


def test_empty_cells_are_missing_not_empty_strings():
    a = aseanai.load("agreements")
    defa = a[a["agreement_id"] == "defa"].iloc[0]
    assert pd.isna(defa["signed_on"]) and pd.isna(defa["signed_on_precision"]) and pd.isna(defa["term_years"])


def test_load_returns_a_new_frame_each_time():
    a, b = aseanai.load("actors"), aseanai.load("actors")
    a.loc[0, "name"] = "changed"
    assert b.loc[0, "name"] != "changed"


def test_load_all_returns_every_dataset():
    tables = aseanai.load_all()
    assert list(tables) == read_package().names


def test_unknown_dataset_is_a_clear_error():
    with pytest.raises(KeyError, match="no dataset named 'agreement'"):
        aseanai.load("agreement")


# The reader's quick scans (one regular expression over all distinct values, in C) must agree with
# the value-by-value answer at every size, whichever value is wrong and wherever it sits.
_QUICK_CASES = ["ok", " lead", "trail ", "tab\t", "\u00a0nbsp", "cr\r", "", "two\nlines", "in side", "x;", "a;;b",
                "UPPER", "1e5", "-3", "+4.", ".5", "1.2.3", "12a"]


@pytest.mark.parametrize("size", [5, 300])
@pytest.mark.parametrize("odd", _QUICK_CASES)
def test_quick_scans_agree_with_value_by_value(size, odd):
    import numpy as np

    from aseanai.reader import _INT, _NUM, _matches, _stripped

    for at in (0, size // 2, size):
        vals = [f"v{i}" if i % 2 else str(i) for i in range(size)]
        vals.insert(at, odd)
        vals = np.array(vals, dtype=object)
        assert list(_stripped(vals)) == [v.strip() for v in vals], (odd, at)
        ok = np.array([v != "" for v in vals])
        for pattern, delimiter in [(r"[a-z0-9]+", None), (r"[a-z0-9]+", ";"), (_INT, None), (_NUM, None)]:
            expected = [not k or all(re.fullmatch(pattern, x) for x in (v.split(delimiter) if delimiter else [v]))
                        for v, k in zip(vals, ok)]
            assert list(_matches(pattern, vals, ok, delimiter)) == expected, (odd, at, pattern, delimiter)


# ---------------------------------------------------------------- the two ways a file is read


CSV_CASES = {
    "plain": b"a,b\n1,x\n2,y\n",
    "crlf and a byte-order mark": b"\xef\xbb\xbfa,b\r\n1,x\r\n2,y\r\n",
    "quoted comma and quote": b'a,b\n1,"x, ""y"""\n2,z\n',
    "quoted line break": b'a,b\n1,"two\nlines"\n2,z\n',
    "no final line break": b"a,b\n1,x\n2,y",
    "short row": b"a,b\n1\n2,y\n",
    "blank line": b"a,b\n1,x\n\n2,y\n",
}


@pytest.mark.parametrize("raw", list(CSV_CASES.values()), ids=list(CSV_CASES))
def test_the_quick_reader_agrees_with_the_exact_one_or_steps_aside(raw):
    """Small files take the csv module; large ones pandas' C parser, which must give the same rows and lines
    (or decline, so that the exact reader runs)."""
    from aseanai import reader

    problems: list = []
    exact = reader._read_exact(raw.decode("utf-8-sig"), ["a", "b"], "t.csv", problems)
    quick = reader._read_fast(raw, ["a", "b"])
    if quick is None:
        return
    assert exact is not None and not problems
    pd.testing.assert_frame_equal(quick[0], exact[0])
    assert quick[1].tolist() == exact[1].tolist()


@pytest.mark.parametrize("path", sorted(read_package().root.glob("*.csv")), ids=lambda p: p.name)
def test_both_readers_give_the_same_rows_for_every_bundled_file(path):
    from aseanai import reader

    raw = path.read_bytes()
    header = raw.decode("utf-8-sig").split("\n", 1)[0].rstrip("\r").split(",")
    quick, exact = reader._read_fast(raw, header), reader._read_exact(raw.decode("utf-8-sig"), header, path.name, [])
    assert quick is not None, "the bundled files are plain enough for the quick reader"
    pd.testing.assert_frame_equal(quick[0], exact[0])
    assert quick[1].tolist() == exact[1].tolist()


def test_free_text_columns_read_without_factorising_give_the_same_problems_and_frames(data_copy, monkeypatch):
    """Above 1,000 rows a free-text column whose values are mostly distinct keeps its rows as they are
    (no factorising); problems (spaces, empty required values, duplicate keys that differ only by spaces)
    and the loaded frame must be those of the factorising path."""
    from aseanai import checks, reader
    from aseanai.datapackage import DataError
    from conftest import read_rows, write_rows

    path = data_copy / "agreements.csv"
    rows = read_rows(path)
    header, body = rows[0], rows[1:]
    ident, name = header.index("agreement_id"), header.index("name")
    big = []
    for i in range(1500):
        r = list(body[i % len(body)])
        r[ident] = f"{r[ident]}_x{i}"
        r[name] = f"{r[name]} ({i})"
        big.append(r)
    write_rows(path, [header] + body + big)

    def outcome(factorise):
        with monkeypatch.context() as m:
            if factorise:
                m.setattr(reader, "_mostly_distinct", lambda f, values: False)
            try:
                return checks.load_all(data_copy), []
            except DataError as exc:
                return None, [str(p) for p in exc.problems]

    assert reader._mostly_distinct(reader.read_package(data_copy).resource("agreements").field_map["name"],
                                   np.array([r[name] for r in big], dtype=object))
    (quick, _), (slow, _) = outcome(False), outcome(True)
    for table in quick:
        pd.testing.assert_frame_equal(quick[table], slow[table])
    big[10][name] = " leading space"
    big[20][name] = ""
    big[30][ident] = big[31][ident]  # a duplicate key, in a key column with no spaces anywhere
    write_rows(path, [header] + body + big)
    quick, slow = outcome(False)[1], outcome(True)[1]
    assert quick == slow
    for needle in ("leading or trailing spaces", "required value is empty", "duplicate primary key"):
        assert any("agreements.csv" in p and needle in p for p in quick), needle
    assert sum("duplicate primary key" in p for p in quick) == 1
    big[40][ident] = big[41][ident] + " "  # a duplicate once stripped (and a trailing space)
    write_rows(path, [header] + body + big)
    quick, slow = outcome(False)[1], outcome(True)[1]
    assert quick == slow
    assert sum("duplicate primary key" in p for p in quick) == 2
