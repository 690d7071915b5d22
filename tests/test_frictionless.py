"""The package also passes the reference implementation of the standard."""
import pytest

from conftest import DATA, append_row

frictionless = pytest.importorskip("frictionless")


def test_frictionless_validate_passes():
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:20]


def test_frictionless_agrees_a_broken_copy_is_broken(data_copy):
    # proves the check above can fail: frictionless sees the same mistake we do
    append_row(data_copy / "agreements.csv", agreement_id="bad_enum", legal_form="sort of")
    report = frictionless.validate(str(data_copy / "datapackage.json"))
    assert not report.valid
