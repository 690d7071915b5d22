"""Every notebook is a lesson: the argument in markdown, short code, checks that keep the prose true.

These tests read the committed notebooks (the teacher's copy). What each rule
protects is said in its assertion message; GUIDE.md ("Notebooks are lessons")
gives the reasons.
"""
from __future__ import annotations

import ast
import re
import statistics

import nbformat
import pytest

from aseanai.notebooks import notebook_paths

CORE = ["00_overview", "01_partner_diversity", "02_data_centres", "03_investment", "04_governance", "05_dominance",
        "06_words_and_deeds"]
MAX_CELLS = 40
MAX_LINES = 12
CHECK, ANSWER, SOLUTION = "remove-cell", "answer", "solution"
#: Phrases that point at code a handout or page does not show.
CODE_REFERENCE = re.compile(r"\b(the|this|next|previous|following|above|below) (code )?cells?\b|\bthe code (below|above)\b"
                            r"|\bwhen=None\b", re.IGNORECASE)
PROSE_CALL = re.compile(r"\bmd\(|\bMarkdown\(|display_markdown\(")


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


def _lines(cell) -> int:
    return len([line for line in cell.source.splitlines() if line.strip()])


def _is_check(cell) -> bool:
    return cell.cell_type == "code" and CHECK in _tags(cell)


def _writes_prose(cell) -> bool:
    if cell.cell_type != "code" or _is_check(cell):
        return False
    if PROSE_CALL.search(cell.source):
        return True
    return any("text/markdown" in o.get("data", {}) for o in cell.get("outputs", []))


def _plain(text: str) -> str:
    """Markdown as a reader sees it: no emphasis marks or backticks, one space between words."""
    text = re.sub(r"[*_`]", "", text).replace("\\$", "$")
    return re.sub(r"\s+", " ", text).strip()


LESSONS = notebook_paths()


@pytest.fixture(scope="module", params=LESSONS, ids=lambda p: p.stem)
def lesson(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_the_core_lessons_keep_their_names_and_going_further_parts_follow_them():
    stems = [p.stem for p in LESSONS]
    assert [s for s in stems if s in CORE] == CORE
    for s in stems:
        if s not in CORE:
            assert re.fullmatch(r"\d\d[a-z]_[a-z0-9_]+", s), s
            assert any(c.startswith(s[:2]) for c in CORE), f"{s} goes further from a lesson that does not exist"


def test_a_lesson_fits_fifty_minutes(lesson):
    path, nb = lesson
    assert len(nb.cells) <= MAX_CELLS, f"{path.name} has {len(nb.cells)} cells: split it into a core lesson and a " \
                                       f"'going further' part"


def test_opens_with_claim_goals_time_plan_and_discussion_questions(lesson):
    path, nb = lesson
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    number = path.stem.split("_")[0].lstrip("0") or "0"
    assert first.source.startswith(f"# {number}. "), first.source.splitlines()[0]
    text = first.source.lower()
    for part in ("claim", "learning goals", "time plan", "discussion questions"):
        assert part in text, f"{path.name} opens without its {part}"
    minutes = [int(m) for m in re.findall(r"(\d+)\s*min", first.source)]
    assert minutes and sum(minutes[1:] if minutes[0] == 50 else minutes) <= 50, \
        f"{path.name}: the time plan adds up to more than a 50-minute class ({minutes})"


def test_code_cells_are_short_and_define_nothing(lesson):
    path, nb = lesson
    code = [c for c in nb.cells if c.cell_type == "code" and not _is_check(c) and c.source.strip()]
    lengths = [_lines(c) for c in code]
    assert max(lengths) <= MAX_LINES, f"{path.name}: a code cell has {max(lengths)} lines"
    assert 2 <= statistics.median(lengths) <= 5, f"{path.name}: median code cell has {statistics.median(lengths)} lines"
    for c in code:
        tree = ast.parse(c.source)
        defined = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda, ast.ClassDef))]
        assert not defined, f"{path.name}: logic belongs to the library, not the notebook:\n{c.source}"


def test_at_most_one_code_cell_in_ten_writes_prose(lesson):
    path, nb = lesson
    code = [c for c in nb.cells if c.cell_type == "code"]
    prose = [c for c in code if _writes_prose(c)]
    assert len(prose) * 10 <= len(code), f"{path.name}: {len(prose)} of {len(code)} code cells write prose"


def test_every_check_follows_the_sentence_it_guards_and_names_it(lesson):
    path, nb = lesson
    checks = 0
    for i, cell in enumerate(nb.cells):
        if not _is_check(cell):
            continue
        checks += 1
        before = nb.cells[i - 1]
        assert before.cell_type == "markdown", f"{path.name}: check cell {i} does not follow a markdown cell"
        tree = ast.parse(cell.source)
        asserts = [n for n in tree.body if isinstance(n, ast.Assert)]
        assert asserts, f"{path.name}: check cell {i} holds no assert"
        sentence = _plain(before.source)
        for a in asserts:
            assert isinstance(a.msg, ast.Constant) and isinstance(a.msg.value, str), \
                f"{path.name}: cell {i}: every assert carries the sentence it guards as a plain string"
            assert _plain(a.msg.value) in sentence, \
                f"{path.name}: cell {i}: message {a.msg.value!r} is not a sentence of the markdown above it"
        assert not cell.get("outputs"), f"{path.name}: check cell {i} prints something"
    assert checks >= 3, f"{path.name}: only {checks} check cells guard its prose"


def test_prose_never_points_at_code_the_reader_may_not_see(lesson):
    path, nb = lesson
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = CODE_REFERENCE.search(cell.source)
            assert not found, f"{path.name}: {found.group(0)!r} in: {cell.source[:120]}"


def test_each_exercise_has_an_answer_cell_then_a_collapsed_model_answer(lesson):
    path, nb = lesson
    cells = nb.cells
    exercises = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("**Exercise ")]
    assert len(exercises) >= 2, f"{path.name} has {len(exercises)} exercises"
    for i in exercises:
        answer = cells[i + 1]
        assert _tags(answer) == [ANSWER], f"{path.name}: exercise at cell {i} is not followed by an answer cell"
        if answer.cell_type == "code":
            assert not answer.source.strip() and not answer.outputs, "a student's answer cell starts empty"
        solutions = []
        for c in cells[i + 2:]:
            if SOLUTION not in _tags(c):
                break
            solutions.append(c)
        assert solutions, f"{path.name}: exercise at cell {i} has no model answer"
        for s in solutions:
            hidden = s.metadata.get("jupyter", {})
            assert hidden.get("source_hidden") is True, f"{path.name}: a solution opens expanded"
            if s.cell_type == "code":
                assert hidden.get("outputs_hidden") is True, f"{path.name}: a solution's output opens expanded"
        why = re.search(r"\b(why|how does|what does .* mean|explain)\b", cells[i].source, re.IGNORECASE)
        if why:
            assert any(s.cell_type == "markdown" for s in solutions), \
                f"{path.name}: a 'why' question needs a model answer in words: {cells[i].source[:80]}"


def test_solutions_and_answers_sit_only_under_exercises(lesson):
    path, nb = lesson
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and c.source.startswith("## Exercises"))
    for i, c in enumerate(nb.cells[:start]):
        assert not {ANSWER, SOLUTION} & set(_tags(c)), f"{path.name}: cell {i} is tagged before the exercises"


def test_a_sentence_that_the_data_no_longer_support_fails_the_tests_by_name(data_copy):
    """Flip one verdict in a copy of the data: the overview's verdict counts go false, and nbval quotes them."""
    import os
    import subprocess
    import sys

    from conftest import REPO, read_rows, write_rows

    rows = read_rows(data_copy / "claims.csv")
    verdict = rows[0].index("verdict")
    row = next(r for r in rows[1:] if r[verdict] == "supported")
    row[verdict] = "contradicted"
    write_rows(data_copy / "claims.csv", rows)
    path = REPO / "notebooks" / "00_overview.ipynb"
    nb = nbformat.read(path, as_version=4)
    messages = [a.msg.value for c in nb.cells if _is_check(c)
                for a in ast.parse(c.source).body if isinstance(a, ast.Assert)]
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-o", "addopts=", "--nbval",
                          "--nbval-current-env", "-q", str(path)],
                         capture_output=True, text=True, cwd=data_copy.parent,
                         env={**os.environ, "ASEANAI_DATA": str(data_copy)})
    out = re.sub(r"\x1b\[[0-9;]*m", "", run.stdout)  # nbval colours tracebacks
    assert run.returncode == 1, out[-2000:]
    quoted = [m for m in messages if f"AssertionError: {m}" in out]
    assert quoted, "the failure names no guarded sentence:\n" + out[-3000:]
