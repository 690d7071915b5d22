"""The notebooks: clean executed outputs, captioned figures, and nbval that can fail (lesson form: test_lessons)."""
from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from aseanai.notebooks import README_FIGURES, SAVE_CALL, notebook_paths

def _nb(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.fixture(scope="module", params=notebook_paths(), ids=lambda p: p.stem)
def nb(request):
    return request.param, _nb(request.param)


def test_executed_top_to_bottom_without_errors_or_warnings(nb):
    _, book = nb
    code = [c for c in book["cells"] if c["cell_type"] == "code" and _source(c).strip()]  # answer cells start empty
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error", _source(c)
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), out.get("text")
        assert "execution" not in c.get("metadata", {}), "timing metadata must be stripped"


def test_every_figure_has_a_caption_and_a_stable_unique_name():
    names = []
    for path in notebook_paths():
        cells = _nb(path)["cells"]
        for i, c in enumerate(cells):
            for name in SAVE_CALL.findall(_source(c)):
                names.append(name)
                assert re.fullmatch(rf"fig{path.stem[:2]}_\d+_[a-z0-9_]+", name), name
                before = next(c for c in reversed(cells[:i]) if "remove-cell" not in c.get("metadata", {}).get("tags", []))
                assert before["cell_type"] == "markdown" and "**Figure" in _source(before), name  # checks are hidden
                assert "source_note" in _source(c), f"{name} has no source note"
    assert len(names) == len(set(names))
    assert set(README_FIGURES) <= set(names)


def test_every_claim_names_an_existing_notebook():
    import aseanai

    have = {p.name for p in notebook_paths()}
    assert set(aseanai.load("claims")["notebook"]) <= have


def test_nbval_fails_when_an_output_is_tampered_with(tmp_path):
    import nbformat

    from aseanai.display import md

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell("from aseanai.display import md\nmd('US$743 million')",
                                          execution_count=1)]
    nb.cells[0].outputs = [nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/markdown": "a sentence the code does not produce", "text/plain": repr(md("US$743 million"))})]
    bad = tmp_path / "tampered.ipynb"
    nbformat.write(nb, bad)
    good = tmp_path / "true.ipynb"  # the same notebook with the true output: the failure is the tampering
    nb.cells[0].outputs[0]["data"]["text/markdown"] = md("US$743 million").data
    nbformat.write(nb, good)
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--nbval", "-rA",
                          "--nbval-current-env", "-o", "addopts=", str(bad), str(good)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stdout[-2000:]
    assert "a sentence the code does not produce" in run.stdout
    assert re.search(r"FAILED tampered\.ipynb::Cell 0", run.stdout), run.stdout[-2000:]
    assert re.search(r"PASSED true\.ipynb::Cell 0", run.stdout), run.stdout[-2000:]
