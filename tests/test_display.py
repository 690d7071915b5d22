"""Tables for readers and the lesson helpers: what a bug would show a reader."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest

from aseanai import DataError
from aseanai.display import MISSING, share_text, table
from aseanai.lesson import claims_table, column_written, data_stamp


def test_table_has_no_index_na_dtype_or_midnight_and_keeps_full_names():
    long_name = "Australia-Singapore Memorandum of Understanding on Cooperation on Artificial Intelligence"
    d = pd.DataFrame({"name": pd.array([long_name, None], dtype="string"),
                      "signed_on": pd.to_datetime(["2020-03-23", None]),
                      "n": pd.array([3, None], dtype="Int64"),
                      "share": [0.5, 0.25],
                      "is_binding": pd.array([True, None], dtype="boolean")}, index=[7, 9])
    t = table(d, percent=["share"])
    text, html = repr(t), t._repr_html_()
    for raw in ("<NA>", "NaN", "NaT", "dtype", "00:00:00", "&lt;NA&gt;"):
        assert raw not in text and raw not in html, raw
    assert long_name in text and long_name in html
    assert t.data.columns.tolist() == ["name", "signed on", "n", "share", "is binding"]
    assert t.data.iloc[0].tolist() == [long_name, "2020-03-23", "3", "50%", "yes"]
    assert t.data.iloc[1].tolist() == [MISSING, MISSING, MISSING, "25%", MISSING]
    assert "<th>7</th>" not in html and not text.splitlines()[1].startswith("7")


def test_table_formats_dates_at_their_precision_and_money_with_currency():
    d = pd.DataFrame({"happened_on": pd.to_datetime(["2024-04-01", "2021-01-01"]),
                      "happened_on_precision": ["month", "year"],
                      "amount": [1e9, 25e9], "currency": ["SGD", "MYR"], "amount_usd": [7.43e8, None]})
    t = table(d, money={"amount": "currency"})
    assert t.data.columns.tolist() == ["happened on", "amount", "currency", "amount usd"]
    assert t.data["happened on"].tolist() == ["2024-04", "2021"]
    assert t.data["amount"].tolist() == ["SGD 1.0 bn", "MYR 25.0 bn"]
    assert t.data["amount usd"].tolist() == ["USD 743 m", MISSING]


def test_table_escapes_html_and_can_keep_a_meaningful_index():
    d = pd.DataFrame({"quote": ["<script>alert(1)</script>"]}, index=pd.Index(["c01"], name="claim"))
    t = table(d, index="claim")
    assert "<script>" not in t._repr_html_() and "&lt;script&gt;" in t._repr_html_()
    assert t.data.columns.tolist() == ["claim", "quote"]


def test_share_text():
    assert [share_text(w) for w in (1.0, 0.5, 0.25, 0.75, 1 / 3)] == ["", "½", "¼", "¾", "1/3"]


def test_column_written_is_read_from_the_descriptor(data_copy):
    desc = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    desc["x-column-written"]["earliest"] = "2024-03-01"
    (data_copy / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    assert column_written(data_copy).earliest == pd.Timestamp("2024-03-01")
    del desc["x-column-written"]["latest"]
    (data_copy / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    with pytest.raises(DataError, match="x-column-written"):
        column_written(data_copy)


def test_data_stamp_names_a_folder_that_is_not_the_bundled_data(data_copy):
    import aseanai

    version = aseanai.read_package().descriptor["version"]
    assert data_stamp() == f"Data version {version} (the bundled data)."
    other = data_stamp(data_copy)
    assert version in other and str(data_copy.resolve()) in other and "NOT the bundled data" in other


def test_claims_table_lists_the_notebooks_claims_and_refuses_an_unknown_notebook():
    import aseanai

    claims = aseanai.load("claims")
    t = claims_table(claims, "05_dominance.ipynb")
    assert set(t.data["claim"]) == set(claims.loc[claims["notebook"] == "05_dominance.ipynb", "claim_id"])
    with pytest.raises(ValueError, match="99_none"):
        claims_table(claims, "99_none")
