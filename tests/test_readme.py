"""The README is the front door: generated parts match their sources, and what it shows is current."""
import re

from aseanai.datapackage import data_dictionary, read_package
from conftest import REPO


def test_data_dictionary_matches_datapackage():
    text = (REPO / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    start, end = "<!-- data-dictionary:start -->\n", "<!-- data-dictionary:end -->"
    assert start in text and end in text
    embedded = text.split(start, 1)[1].split(end, 1)[0]
    assert embedded == data_dictionary(read_package()), "run: aseanai dictionary, and paste it into docs/data-dictionary.md"


def test_readme_is_a_front_door():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    assert len(lines) < 250, f"README.md has {len(lines)} lines"
    first_screen = "\n".join(lines[:40])
    assert "make report" in first_screen and "make test" in first_screen
    assert first_screen.count("](docs/figures/") == 3, "three key figures in the first screen"
    assert "**Contents:**" in first_screen
    teachers = text.split("## For teachers", 1)[1].split("\n## ", 1)[0]
    assert "](docs/teaching.md)" in teachers and (REPO / "docs" / "teaching.md").is_file()
    assert "Cell Toolbar" not in text, "JupyterLab 4 has no View > Cell Toolbar: tags live in the property inspector"
    for target in re.findall(r"\]\(((?:docs|notebooks)/[^)#]+)\)", text):
        assert (REPO / target).exists(), target


def test_readme_key_figure_captions_are_the_notebooks_captions():
    from aseanai.notebooks import README_FIGURES, figure_index

    text = (REPO / "README.md").read_text(encoding="utf-8")
    by_name = {e["name"]: e for e in figure_index()}
    for name in README_FIGURES:
        e = by_name[name]
        assert f"*Figure {e['number']}.* {e['caption']}" in text, f"caption of {name} differs from its notebook's"


def test_readme_gives_the_two_commands():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    assert "make report" in text and "make test" in text


def test_readme_lists_every_figure_and_table():
    from aseanai.notebooks import figure_table

    text = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- figures:start -->\n", "<!-- figures:end -->"
    embedded = text.split(start, 1)[1].split(end, 1)[0]
    assert embedded == figure_table(), "run: aseanai figures, and paste it into README.md"


def test_readme_key_figures_are_committed_and_current():
    import re

    text = (REPO / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"\]\((docs/figures/[^)]+\.png)\)", text)
    assert len(shown) >= 2
    for path in shown:
        assert (REPO / path).is_file(), path


def test_citation_and_changelog_name_the_data_version():
    import json
    import re

    version = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}(\.\d+)?", version), "YYYY.MM.DD, with .N for a later release the same day"
    assert f'version: "{version}"' in (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert f"## {version}" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"data version {version}" in (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_quotes_the_benchmark_headline_as_measured():
    results = (REPO / "benchmarks" / "RESULTS.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- headline:start -->\n", "<!-- headline:end -->"
    measured = results.split(start, 1)[1].split(end, 1)[0]
    assert start in readme, "README.md has no benchmark headline block"
    assert readme.split(start, 1)[1].split(end, 1)[0] == measured, "copy the headline of benchmarks/RESULTS.md"


def test_teaching_guide_covers_every_lesson_and_names_the_data_version_it_quotes():
    import json

    from aseanai.notebooks import notebook_paths

    text = (REPO / "docs" / "teaching.md").read_text(encoding="utf-8")
    version = json.loads((REPO / "data" / "datapackage.json").read_text(encoding="utf-8"))["version"]
    assert f"data version {version}" in text, "the data changed: re-read docs/teaching.md against the new outputs"
    for path in notebook_paths():
        number = path.stem.split("_")[0].lstrip("0") or "0"
        assert f"## Lesson {number}:" in text, f"docs/teaching.md has no section for {path.name}"
        assert f"`{path.stem}`" in text, path.stem
