"""From one executed notebook to what a reader gets: the HTML page, the results-only handout, the student notebook.

The editions are made with nbconvert's own preprocessors (``TagRemovePreprocessor``,
``ClearOutputPreprocessor``, ``ClearMetadataPreprocessor``) and its HTML exporter,
with the package's ``offline`` template (nothing loaded from the network).
Execution lives in :mod:`aseanai.execute`; the report in :mod:`aseanai.build`.
"""
from __future__ import annotations

import copy
from pathlib import Path

__all__ = ["CHECK_TAG", "SOLUTION_TAG", "ANSWER_TAG", "EDITION_DROPS", "TEMPLATES", "edition", "title", "pages",
           "warm"]

TEMPLATES = Path(__file__).with_name("templates")

#: Cell tags and what each edition does with them (Jupyter Book's ``remove-cell`` convention).
CHECK_TAG, SOLUTION_TAG, ANSWER_TAG = "remove-cell", "solution", "answer"
#: The tags that each edition drops: pages keep solutions (shown open), handouts keep results only,
#: the student edition keeps the empty answer cells and drops the solutions.
EDITION_DROPS = {
    "page": {CHECK_TAG, ANSWER_TAG},
    "handout": {CHECK_TAG, ANSWER_TAG, SOLUTION_TAG},
    "student": {CHECK_TAG, SOLUTION_TAG},
}

_EXPORTERS: dict = {}


def _exporter(handout: bool = False):
    """nbconvert's HTML exporter with the offline template (one per process and kind, reused)."""
    if handout not in _EXPORTERS:
        from nbconvert import HTMLExporter

        exp = HTMLExporter(template_name="offline", extra_template_basedirs=[str(TEMPLATES)])
        if handout:
            exp.exclude_input = True
            exp.exclude_input_prompt = True
            exp.exclude_output_prompt = True
        _EXPORTERS[handout] = exp
    return _EXPORTERS[handout]


def edition(nb, kind: str, stamp: str):
    """A copy of the executed notebook for one edition (``page``, ``handout`` or ``student``).

    Made with nbconvert's own preprocessors: cells carrying a tag in
    :data:`EDITION_DROPS` are removed; the student edition also loses its
    outputs and all metadata but tags and the kernel. Every edition carries
    the data stamp as its second cell, after the title.

    Examples
    --------
    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("# 1. A lesson"),
    ...     nbformat.v4.new_code_cell("assert True", metadata={"tags": ["remove-cell"]}),
    ...     nbformat.v4.new_code_cell("answer = 42", metadata={"tags": ["solution"]})])
    >>> [c.source for c in edition(nb, "student", "Data version 1").cells]
    ['# 1. A lesson', '*Data version 1*']
    >>> len(edition(nb, "page", "Data version 1").cells), len(nb.cells)
    (3, 3)
    """
    import nbformat
    from nbconvert.preprocessors import ClearMetadataPreprocessor, ClearOutputPreprocessor, TagRemovePreprocessor

    nb = copy.deepcopy(nb)
    resources: dict = {}
    nb, _ = TagRemovePreprocessor(remove_cell_tags=EDITION_DROPS[kind], enabled=True).preprocess(nb, resources)
    if kind == "student":
        nb, _ = ClearOutputPreprocessor(enabled=True).preprocess(nb, resources)
        nb, _ = ClearMetadataPreprocessor(enabled=True, preserve_cell_metadata_mask={"tags"},
                                          preserve_nb_metadata_mask={"kernelspec", "language_info"}
                                          ).preprocess(nb, resources)
    else:  # a page shows the model answers open: the teacher's collapsed view is for JupyterLab only
        for c in nb.cells:
            c.metadata.pop("jupyter", None)
    first = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), -1)
    cell = nbformat.v4.new_markdown_cell(f"*{stamp}*", metadata={"tags": ["data-stamp"]})
    cell["id"] = "data-stamp"  # a fixed id: two builds write the same bytes
    nb.cells.insert(first + 1, cell)
    return nb


def title(nb, fallback: str) -> str:
    """The notebook's title: its first ``# `` heading, else ``fallback``.

    Examples
    --------
    >>> import nbformat
    >>> title(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 5. Dominance\\ntext")]), "x")
    '5. Dominance'
    """
    for c in nb.cells:
        if c.cell_type == "markdown" and c.source.startswith("# "):
            return c.source.splitlines()[0][2:].strip()
    return fallback


def pages(nb, stem: str, stamp: str) -> dict[str, str]:
    """The HTML page, the results-only handout and the student notebook of one executed notebook.

    Returns a mapping from each file's path in the report (``html/STEM.html``,
    ``handouts/STEM.html``, ``student/STEM.ipynb``) to its text.
    """
    import nbformat

    name = title(nb, stem)
    page, _ = _exporter().from_notebook_node(edition(nb, "page", stamp), resources={"metadata": {"name": name}})
    handout, _ = _exporter(handout=True).from_notebook_node(
        edition(nb, "handout", stamp), resources={"metadata": {"name": name + " (handout)"}})
    student = edition(nb, "student", stamp)
    return {f"html/{stem}.html": page, f"handouts/{stem}.html": handout,
            f"student/{stem}.ipynb": nbformat.writes(student) + "\n"}


def warm() -> None:
    """Load what converting needs (nbconvert, the templates, the code highlighter) by converting a small notebook.

    A build's worker calls it in a thread while its kernel executes the worker's
    first notebook, so that converting that notebook does not wait for it
    (about a second on a fresh process). Errors are left to the real conversion
    to report.
    """
    try:
        import nbformat

        nb = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell("# Warm\n\nText with a [link](https://example.org) and a table:\n\n"
                                          "| a | b |\n|---|---|\n| 1 | 2 |"),
            nbformat.v4.new_code_cell("x = 1\nx", outputs=[nbformat.v4.new_output(
                "execute_result", data={"text/plain": "1", "text/html": "<b>1</b>"}, execution_count=1)]),
        ])
        pages(nb, "warm", "warm")
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        pass
