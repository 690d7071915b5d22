"""Partner mix, each state's own instruments, and the yes/no tests of the partner-diversity lessons.

Lessons 01 and 01b ask the same questions of different selections of
instruments: who are the partners, which states can be measured at all, and
which conclusions hold under every coding choice. The answers are computed
here so that the notebooks only load, compute and show.

- An *instrument-partner pair* is one instrument and one party on its partner
  side, blocs not expanded (an ASEAN-EU instrument is one pair with the EU).
- A member state's *own* instruments are those it is a party to itself, not
  through ASEAN. Bloc instruments give every member the same partners, so a
  state's own profile shows only in these.
- A state is *measured* when it has at least :data:`MIN_INSTRUMENTS` of its own:
  below that, the normalised HHI can take only the values 1 (one instrument)
  or 0 and 1 (two), see :func:`hhi_norm_values`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import pandas as pd

from . import metrics

__all__ = ["MIN_INSTRUMENTS", "GROUPS", "HEADERS", "partner_pairs", "partner_mix", "pairs_by_year", "own_instruments",
           "state_diversity", "selection_runs", "partitions", "hhi_norm_values", "hhi_norm_table", "SINGAPORE_TESTS", "STATE_TESTS",
           "holds_over_grid", "holds_by_selection"]

#: Own instruments a state needs before its partner mix is interpreted.
MIN_INSTRUMENTS = 3

#: Headers a reader understands for the columns of :func:`aseanai.metrics.diversity`, :func:`state_diversity`,
#: :func:`partner_mix` and the conclusion tables (for ``aseanai.display.table(..., rename=HEADERS)``).
HEADERS: dict[str, str] = {
    "n_instruments": "instruments", "n_own": "of its own", "n_partners": "partners", "hhi": "HHI",
    "hhi_norm": "normalised HHI", "effective_partners": "effective partners", "top_share": "largest share",
    "n_us": "US links", "n_cn": "Chinese links", "balance": "US-China balance", "pairs": "instrument-partner pairs",
    "holds_in": "holds in", "survives": "survives every choice",
}

#: Partner groups of the by-year count: the two powers by the names in actors.csv, every other partner as "other".
GROUPS: dict[str, str] = {"USA": "United States", "CHN": "China"}


def partner_pairs(agreements: pd.DataFrame, parties: pd.DataFrame, *, groups: Mapping[str, str] | None = None,
                  other: str = "other") -> pd.DataFrame:
    """One row per instrument and partner-side party (blocs not expanded), with the year signed and a partner group.

    Parameters
    ----------
    agreements : DataFrame
        The instruments to count (e.g. from :func:`aseanai.metrics.select_instruments`).
    parties : DataFrame
        The ``agreement_parties`` table.
    groups : mapping, optional
        ``{actor_id: group}``; partners not named fall in ``other``. Default :data:`GROUPS`.
    other : str
        The group of every partner not in ``groups``.

    Returns
    -------
    DataFrame
        ``agreement_id``, ``partner_id``, ``year`` (``Int64``; NA when the
        instrument is unsigned or its date unknown) and ``group``, sorted.

    Examples
    --------
    >>> a = pd.DataFrame({"agreement_id": ["a", "b"], "signed_on": pd.to_datetime(["2022-05-01", None])})
    >>> p = pd.DataFrame({"agreement_id": ["a", "a", "b", "b"], "actor_id": ["SGP", "USA", "ASEAN", "JPN"],
    ...                   "side": ["asean", "partner", "asean", "partner"]})
    >>> partner_pairs(a, p)[["partner_id", "year", "group"]].values.tolist()
    [['USA', 2022, 'United States'], ['JPN', <NA>, 'other']]
    """
    groups = GROUPS if groups is None else groups
    side = parties[parties["agreement_id"].isin(agreements["agreement_id"]) & (parties["side"] == "partner")]
    pairs = side[["agreement_id", "actor_id"]].astype(str).rename(columns={"actor_id": "partner_id"})
    signed = agreements.set_index("agreement_id")["signed_on"]
    pairs["year"] = pairs["agreement_id"].map(signed).dt.year.astype("Int64")
    pairs["group"] = pairs["partner_id"].map(dict(groups)).fillna(other)
    return pairs.sort_values(["year", "agreement_id", "partner_id"], na_position="last").reset_index(drop=True)


def partner_mix(agreements: pd.DataFrame, parties: pd.DataFrame) -> pd.DataFrame:
    """Each partner's number and share of the instrument-partner pairs of a selection.

    Returns
    -------
    DataFrame
        ``partner_id``, ``pairs`` and ``share`` (sums to 1), largest first,
        ties in alphabetical order.

    Examples
    --------
    >>> a = pd.DataFrame({"agreement_id": ["a", "b", "c"], "signed_on": pd.NaT})
    >>> p = pd.DataFrame({"agreement_id": ["a", "a", "b", "b", "c", "c"],
    ...                   "actor_id": ["SGP", "KOR", "SGP", "KOR", "ASEAN", "CHN"],
    ...                   "side": ["asean", "partner"] * 3})
    >>> partner_mix(a, p).round(3).values.tolist()
    [['KOR', 2, 0.667], ['CHN', 1, 0.333]]
    """
    pairs = partner_pairs(agreements, parties)
    counts = pairs["partner_id"].value_counts().rename_axis("partner_id").reset_index(name="pairs")
    counts = counts.sort_values(["pairs", "partner_id"], ascending=[False, True]).reset_index(drop=True)
    counts["share"] = counts["pairs"] / counts["pairs"].sum()
    return counts


def pairs_by_year(agreements: pd.DataFrame, parties: pd.DataFrame, *, groups: Mapping[str, str] | None = None,
                  other: str = "other", years: tuple[int, int] | None = None) -> pd.DataFrame:
    """Instrument-partner pairs counted by year signed and partner group; undated pairs are left out.

    Parameters
    ----------
    agreements, parties : DataFrame
        As for :func:`partner_pairs`.
    groups, other
        As for :func:`partner_pairs`.
    years : (int, int), optional
        First and last year to show; default from the first to the last year signed.

    Returns
    -------
    DataFrame
        ``year``, ``group``, ``pairs``: every year of the range and every group
        (the named groups in order, then ``other``), zeros included.

    Examples
    --------
    >>> a = pd.DataFrame({"agreement_id": ["a", "b", "c"],
    ...                   "signed_on": pd.to_datetime(["2020-03-23", "2022-05-26", None])})
    >>> p = pd.DataFrame({"agreement_id": ["a", "a", "b", "b", "c", "c"],
    ...                   "actor_id": ["SGP", "USA", "SGP", "JPN", "ASEAN", "CHN"],
    ...                   "side": ["asean", "partner"] * 3})
    >>> by_year = pairs_by_year(a, p)
    >>> len(by_year), by_year[by_year["pairs"] > 0].values.tolist()
    (9, [[2020, 'United States', 1], [2022, 'other', 1]])
    """
    groups = GROUPS if groups is None else groups
    pairs = partner_pairs(agreements, parties, groups=groups, other=other).dropna(subset=["year"])
    first, last = years if years is not None else (int(pairs["year"].min()), int(pairs["year"].max()))
    order = list(dict.fromkeys([*groups.values(), other]))
    full = pd.MultiIndex.from_product([range(first, last + 1), order], names=["year", "group"])
    counts = pairs.groupby(["year", "group"]).size().reindex(full, fill_value=0)
    return counts.rename("pairs").reset_index().astype({"year": int, "pairs": int})


def own_instruments(agreements: pd.DataFrame, parties: pd.DataFrame, bloc_members: pd.DataFrame, *,
                    bloc: str = "ASEAN", min_instruments: int = MIN_INSTRUMENTS) -> pd.DataFrame:
    """Each member state's number of instruments of its own (not through the bloc), and whether it is measured.

    Parameters
    ----------
    agreements : DataFrame
        The instruments to count.
    parties : DataFrame
        The ``agreement_parties`` table.
    bloc_members : DataFrame
        Every state ever a member of ``bloc`` gets a row, with 0 when it has no instrument of its own.
    min_instruments : int
        Own instruments a state needs to be ``measured``.

    Returns
    -------
    DataFrame
        ``member_id``, ``n_own`` and ``measured``, in the order of ``member_id``.

    Examples
    --------
    >>> a = pd.DataFrame({"agreement_id": ["a", "b", "c", "d"]})
    >>> p = pd.DataFrame({"agreement_id": ["a", "b", "c", "d", "d"], "actor_id": ["SGP", "SGP", "SGP", "ASEAN", "JPN"],
    ...                   "side": ["asean", "asean", "asean", "asean", "partner"]})
    >>> m = pd.DataFrame({"bloc_id": ["ASEAN", "ASEAN"], "member_id": ["SGP", "MYS"]})
    >>> own_instruments(a, p, m).values.tolist()
    [['MYS', 0, False], ['SGP', 3, True]]
    """
    states = sorted(bloc_members.loc[bloc_members["bloc_id"] == bloc, "member_id"].astype(str).unique())
    mine = parties[parties["agreement_id"].isin(agreements["agreement_id"]) & (parties["side"] == "asean")]
    n_own = mine.assign(member_id=mine["actor_id"].astype(str)).groupby("member_id")["agreement_id"].nunique()
    out = pd.DataFrame({"member_id": states})
    out["n_own"] = out["member_id"].map(n_own).fillna(0).astype(int)
    out["measured"] = out["n_own"] >= min_instruments
    return out


def state_diversity(agreements: pd.DataFrame, parties: pd.DataFrame, bloc_members: pd.DataFrame, *, as_of=None,
                    min_instruments: int = MIN_INSTRUMENTS) -> pd.DataFrame:
    """:func:`aseanai.metrics.diversity` per member state (blocs expanded), with its own instruments and measured flag.

    Returns
    -------
    DataFrame
        The columns of :func:`aseanai.metrics.diversity`, then ``n_own`` and
        ``measured`` (:func:`own_instruments`); one row per state with a link.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> d = state_diversity(t["agreements"], t["agreement_parties"], t["bloc_members"])
    >>> {"n_own", "measured", "balance"} <= set(d.columns)
    True
    """
    links = metrics.partner_links(agreements, parties, bloc_members, as_of=as_of)
    own = own_instruments(agreements, parties, bloc_members, min_instruments=min_instruments)
    out = metrics.diversity(links).merge(own, on="member_id", how="left")
    out["n_own"] = out["n_own"].fillna(0).astype(int)
    out["measured"] = out["measured"].fillna(False).astype(bool)
    return out


def selection_runs(selections: Mapping[str, pd.DataFrame], parties: pd.DataFrame, bloc_members: pd.DataFrame, *,
                   as_of=None, min_instruments: int = MIN_INSTRUMENTS) -> pd.DataFrame:
    """:func:`state_diversity` for each named selection of instruments, stacked with a ``selection`` column.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> a = t["agreements"]
    >>> runs = selection_runs({"all": a, "Table 1": a[a["in_column_table"]]}, t["agreement_parties"],
    ...                       t["bloc_members"])
    >>> list(runs["selection"].unique())
    ['all', 'Table 1']
    """
    runs = [state_diversity(sel, parties, bloc_members, as_of=as_of, min_instruments=min_instruments)
            .assign(selection=name) for name, sel in selections.items()]
    return pd.concat(runs, ignore_index=True)


def partitions(n: int, largest: int | None = None) -> Iterator[list[int]]:
    """Every way to split ``n`` instruments among partners: the integer partitions of ``n``, largest part first.

    Examples
    --------
    >>> list(partitions(4))
    [[4], [3, 1], [2, 2], [2, 1, 1], [1, 1, 1, 1]]
    """
    largest = n if largest is None else largest
    if n == 0:
        yield []
        return
    for k in range(min(n, largest), 0, -1):
        for rest in partitions(n - k, k):
            yield [k, *rest]


def hhi_norm_values(n: int, *, digits: int = 3) -> list[float]:
    """The values a normalised HHI can take for ``n`` instruments, one partner per instrument, smallest first.

    Examples
    --------
    Three instruments split 2 + 1 give shares 2/3 and 1/3: HHI = 5/9, normalised
    (5/9 - 1/2) / (1 - 1/2) = 1/9.

    >>> hhi_norm_values(1), hhi_norm_values(2), hhi_norm_values(3)
    ([1.0], [0.0, 1.0], [0.0, 0.111, 1.0])
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    return sorted({round(metrics.concentration(p)["hhi_norm"], digits) for p in partitions(n)})


def hhi_norm_table(max_instruments: int = 6, *, digits: int = 3) -> pd.DataFrame:
    """For 1 to ``max_instruments`` instruments: how many splits among partners there are, and the index values.

    Returns
    -------
    DataFrame
        ``instruments``, ``splits`` (the number of partitions), ``n_values``
        (distinct normalised HHI values) and ``values`` (as text, smallest first).

    Examples
    --------
    >>> hhi_norm_table(4).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [[1, 1, 1, '1'], [2, 2, 2, '0, 1'], [3, 3, 3, '0, 0.111, 1'], [4, 5, 4, '0, 0.063, 0.25, 1']]
    """
    rows = []
    for n in range(1, max_instruments + 1):
        values = hhi_norm_values(n, digits=digits)
        rows.append({"instruments": n, "splits": sum(1 for _ in partitions(n)), "n_values": len(values),
                     "values": ", ".join(f"{v:g}" for v in values)})
    return pd.DataFrame(rows, columns=["instruments", "splits", "n_values", "values"])


# ---------------------------------------------------------------- conclusions as yes/no tests


def _sg_four_partners(row) -> bool:
    return bool(row["n_partners"] >= 4)


def _sg_no_half(row) -> bool:
    return bool(row["top_share"] < 0.5)


def _sg_both(row) -> bool:
    return bool(row["n_us"] > 0 and row["n_cn"] > 0)


def _sg_even(row) -> bool:
    return bool(pd.notna(row["balance"]) and row["balance"] == 50)


#: Conclusions about Singapore, each a test of one row of :func:`aseanai.metrics.diversity_grid`.
SINGAPORE_TESTS: dict[str, Callable[[pd.Series], bool]] = {
    "Singapore has at least four partners": _sg_four_partners,
    "no partner holds half of Singapore's links or more": _sg_no_half,
    "both the US and China are Singapore's partners": _sg_both,
    "the US-China balance is even (B = 50)": _sg_even,
}


def _state(runs: pd.DataFrame, member: str) -> pd.DataFrame:
    return runs[runs["member_id"].astype(str) == member]


def _singapore_both(d: pd.DataFrame) -> bool:
    s = _state(d, "SGP")
    return bool(((s["n_us"] > 0) & (s["n_cn"] > 0)).any())


def _measured_no_half(d: pd.DataFrame) -> bool:
    return bool((d.loc[d["measured"], "top_share"] < 0.5).all())


def _measured_most_both(d: pd.DataFrame) -> bool:
    m = d[d["measured"]]
    return bool(len(m)) and bool(((m["n_us"] > 0) & (m["n_cn"] > 0)).mean() > 0.5)


#: Conclusions about the member states, each a test of one selection's :func:`state_diversity` frame.
STATE_TESTS: dict[str, Callable[[pd.DataFrame], bool]] = {
    "Singapore links to both the US and China": _singapore_both,
    "no measured state gives one partner half its links or more": _measured_no_half,
    "most measured states link to both the US and China": _measured_most_both,
}


def holds_over_grid(grid: pd.DataFrame, tests: Mapping[str, Callable[[pd.Series], bool]] | None = None) -> pd.DataFrame:
    """In how many rows of a specification grid each conclusion holds.

    Parameters
    ----------
    grid : DataFrame
        One row per specification (e.g. :func:`aseanai.metrics.diversity_grid` for one state).
    tests : mapping, optional
        ``{conclusion: test(row) -> bool}``; default :data:`SINGAPORE_TESTS`.

    Returns
    -------
    DataFrame
        ``conclusion``, ``holds_in`` (rows where it holds), ``of`` (rows) and
        ``survives`` (it holds in every row).

    Examples
    --------
    >>> g = pd.DataFrame({"n_partners": [5, 4, 3], "top_share": [0.33, 0.5, 0.4], "n_us": [1, 1, 1],
    ...                   "n_cn": [1, 0, 0], "balance": [50.0, 100.0, 100.0]})
    >>> holds_over_grid(g).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Singapore has at least four partners', 2, 3, False],
     ["no partner holds half of Singapore's links or more", 2, 3, False],
     ["both the US and China are Singapore's partners", 1, 3, False],
     ['the US-China balance is even (B = 50)', 1, 3, False]]
    """
    tests = SINGAPORE_TESTS if tests is None else tests
    rows = []
    for name, test in tests.items():
        holds = sum(bool(test(row)) for _, row in grid.iterrows())
        rows.append({"conclusion": name, "holds_in": holds, "of": len(grid), "survives": holds == len(grid)})
    return pd.DataFrame(rows, columns=["conclusion", "holds_in", "of", "survives"])


def holds_by_selection(runs: pd.DataFrame, tests: Mapping[str, Callable[[pd.DataFrame], bool]] | None = None, *,
                       by: str = "selection") -> pd.DataFrame:
    """Whether each conclusion holds under each selection of instruments.

    Parameters
    ----------
    runs : DataFrame
        :func:`selection_runs` output: one :func:`state_diversity` frame per value of ``by``.
    tests : mapping, optional
        ``{conclusion: test(frame) -> bool}``; default :data:`STATE_TESTS`.

    Returns
    -------
    DataFrame
        ``conclusion``, one boolean column per selection (in order of first
        appearance), and ``survives`` (true under every selection).

    Examples
    --------
    >>> runs = pd.DataFrame({"selection": ["a", "a", "b"], "member_id": ["SGP", "MYS", "SGP"],
    ...                      "measured": [True, True, True], "top_share": [0.3, 0.6, 0.3],
    ...                      "n_us": [1, 1, 1], "n_cn": [1, 0, 0]})
    >>> holds_by_selection(runs).values.tolist()  # doctest: +NORMALIZE_WHITESPACE
    [['Singapore links to both the US and China', True, False, False],
     ['no measured state gives one partner half its links or more', False, True, False],
     ['most measured states link to both the US and China', False, False, False]]
    """
    tests = STATE_TESTS if tests is None else tests
    names = list(dict.fromkeys(runs[by]))
    rows = []
    for conclusion, test in tests.items():
        row = {"conclusion": conclusion, **{s: bool(test(runs[runs[by] == s])) for s in names}}
        row["survives"] = all(row[s] for s in names)
        rows.append(row)
    return pd.DataFrame(rows, columns=["conclusion", *names, "survives"])
