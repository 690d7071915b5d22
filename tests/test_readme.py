"""The README's data dictionary is generated from the descriptor and must match it."""
from aseanai.datapackage import data_dictionary, read_package
from conftest import REPO


def test_readme_data_dictionary_matches_datapackage():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- data-dictionary:start -->\n", "<!-- data-dictionary:end -->"
    assert start in text and end in text
    embedded = text.split(start, 1)[1].split(end, 1)[0]
    assert embedded == data_dictionary(read_package()), "run: aseanai dictionary, and paste it into README.md"


def test_readme_gives_the_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make report" in text and "make test" in text
