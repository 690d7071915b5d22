"""What elites say: the ISEAS survey *The State of Southeast Asia*, beside what states do.

The survey tables (``survey_*`` in the data package) hold each figure as a
source states it. This module turns them into the frames lesson 6 reads:

- :func:`forced_choice`: the US and China shares of the forced choice, one row
  per edition and country, with the US share computed from the China share
  (and flagged) where no source states it;
- :func:`sample_sizes` and :func:`sampling_band`: how many respondents stand
  behind each share, and the range a simple random sample of that size could
  produce (a lower bound on the uncertainty of a purposive, non-random sample);
- :func:`deeds`: the US-China balance of each member state's instruments, data
  centres and investment, measured only where there are enough items;
- :func:`spearman` and :func:`spearman_values`: rank agreement, and the few
  values it can take with a handful of states;
- :func:`answer_shares`: one question's answers by edition, as stated.
"""
from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd

from . import dimensions, metrics, partners

__all__ = ["forced_choice", "sample_sizes", "sampling_band", "with_band", "deeds", "spearman", "spearman_values",
           "answer_shares", "with_remainder", "SURVEYED", "MIN_ITEMS"]

#: Countries surveyed per edition where not ten: 2025 added Timor-Leste (pichub_2025_sosea).
SURVEYED = {2025: 11}
#: Fewest data centres or pledges with a US or Chinese origin for a balance to be read.
MIN_ITEMS = 3


def _used(responses: pd.DataFrame, candidates: bool) -> pd.DataFrame:
    """Preferred values only, candidates left out unless asked for."""
    r = responses[responses["is_preferred"].fillna(False).astype(bool)]
    if not candidates:
        r = r[~r["is_candidate"].fillna(False).astype(bool)]
    return r


def _year(responses: pd.DataFrame, editions: pd.DataFrame) -> pd.Series:
    return responses["edition_id"].map(editions.set_index("edition_id")["year"]).astype("Int64")


def forced_choice(responses: pd.DataFrame, editions: pd.DataFrame, *, candidates: bool = False) -> pd.DataFrame:
    """US and China shares of the forced choice, one row per edition and country.

    Only preferred values count; candidates (the 2026 edition) only when
    ``candidates`` is True. Where a source states the China share but not the
    US share, the US share is ``100 - China`` and ``us_computed`` is True: the
    data never store that side, the function computes it and says so. A
    country with neither side stated as a number has no row.

    Parameters
    ----------
    responses, editions : DataFrame
        The ``survey_responses`` and ``survey_editions`` tables.
    candidates : bool
        Include figures kept as candidates.

    Returns
    -------
    DataFrame
        ``year``, ``country_id``, ``weighting``, ``us_pct``, ``cn_pct`` (as
        stated; missing where not), ``us_computed``, ``evidence_level`` (of the
        weaker of the figures used).

    Examples
    --------
    >>> r = pd.DataFrame({"edition_id": "e", "country_id": ["BRN", "PHL", "PHL"], "question_id": "forced_choice",
    ...                   "answer_id": ["china", "china", "united_states"], "share_pct": [70.1, 16.7, 83.3],
    ...                   "weighting": "country sample", "is_preferred": True, "is_candidate": False,
    ...                   "evidence_level": ["corroborated", "single source", "corroborated"]})
    >>> e = pd.DataFrame({"edition_id": ["e"], "year": [2024]})
    >>> forced_choice(r, e)[["country_id", "us_pct", "cn_pct", "us_computed", "evidence_level"]].to_dict("records")
    [{'country_id': 'BRN', 'us_pct': 29.9, 'cn_pct': 70.1, 'us_computed': True, 'evidence_level': 'corroborated'}, \
{'country_id': 'PHL', 'us_pct': 83.3, 'cn_pct': 16.7, 'us_computed': False, 'evidence_level': 'single source'}]
    """
    r = _used(responses, candidates)
    r = r[(r["question_id"] == "forced_choice") & r["share_pct"].notna()]
    r = r.assign(year=_year(r, editions))
    keys = ["year", "country_id", "weighting"]
    wide = r.pivot_table(index=keys, columns="answer_id", values="share_pct", aggfunc="first", observed=True)
    wide = wide.reindex(columns=["united_states", "china"])
    order = {"official": 0, "corroborated": 1, "single source": 2, "weak": 3}
    level = r.assign(rank=r["evidence_level"].astype(str).map(order)).groupby(keys, observed=True)["rank"].max()
    out = pd.DataFrame({"us_stated": wide["united_states"], "cn_pct": wide["china"]}).reset_index()
    out["us_computed"] = out["us_stated"].isna() & out["cn_pct"].notna()
    out["us_pct"] = out["us_stated"].where(~out["us_computed"], 100 - out["cn_pct"]).astype(float).round(1)
    names = {v: k for k, v in order.items()}
    out["evidence_level"] = [names[int(level[tuple(k)])] for k in out[keys].itertuples(index=False)]
    out["country_id"] = out["country_id"].astype(str)
    out["weighting"] = out["weighting"].astype(str)
    out["cn_pct"] = out["cn_pct"].astype(float)
    return out[["year", "country_id", "weighting", "us_pct", "cn_pct", "us_computed", "evidence_level"]] \
        .sort_values(["year", "country_id"], ignore_index=True)


def sample_sizes(samples: pd.DataFrame, editions: pd.DataFrame, countries) -> pd.DataFrame:
    """Respondents behind each country's share: the sourced count, else the edition's average per country.

    Parameters
    ----------
    samples, editions : DataFrame
        The ``survey_samples`` and ``survey_editions`` tables.
    countries : list of str
        The member states to cover (ISO codes).

    Returns
    -------
    DataFrame
        ``year``, ``country_id``, ``n`` (respondents) and ``n_sourced``
        (False where ``n`` is the edition's respondents divided by the number
        of countries surveyed, :data:`SURVEYED`, a computed average).

    Examples
    --------
    >>> e = pd.DataFrame({"edition_id": ["e"], "year": [2021], "respondents": [1032]})
    >>> s = pd.DataFrame({"edition_id": ["e"], "country_id": ["KHM"], "respondents": [26]})
    >>> sample_sizes(s, e, ["KHM", "LAO"]).to_dict("records")
    [{'year': 2021, 'country_id': 'KHM', 'n': 26, 'n_sourced': True}, \
{'year': 2021, 'country_id': 'LAO', 'n': 103, 'n_sourced': False}]
    """
    grid = pd.MultiIndex.from_product([editions["year"].dropna().astype(int), list(countries)],
                                      names=["year", "country_id"]).to_frame(index=False)
    e = editions.dropna(subset=["year"]).assign(year=lambda d: d["year"].astype(int)).set_index("year")
    average = (e["respondents"].astype(float) / [SURVEYED.get(y, 10) for y in e.index]).round()
    known = samples.dropna(subset=["respondents"]).assign(year=_year(samples.dropna(subset=["respondents"]), editions))
    known = known.set_index(["year", "country_id"])["respondents"]
    sourced = [known.get((y, c)) for y, c in zip(grid["year"], grid["country_id"])]
    grid["n_sourced"] = [v is not None and not pd.isna(v) for v in sourced]
    grid["n"] = [int(v) if ok else (int(average[y]) if not pd.isna(average.get(y, np.nan)) else pd.NA)
                 for v, ok, y in zip(sourced, grid["n_sourced"], grid["year"])]
    grid["n"] = grid["n"].astype("Int64")
    return grid[["year", "country_id", "n", "n_sourced"]]


def sampling_band(share_pct, n, z: float = 1.96):
    """The range of shares a simple random sample of ``n`` could give (Wilson interval), in per cent.

    For a purposive sample such as the survey's this is a floor on the
    uncertainty, not a margin of error: it shows only what chance alone does
    to a sample of that size.

    Examples
    --------
    >>> low, high = sampling_band(50.0, 26)
    >>> round(float(low), 1), round(float(high), 1)
    (32.1, 67.9)
    >>> [round(float(v), 1) for v in sampling_band(50.0, 400)]
    [45.1, 54.9]
    """
    p = np.asarray(share_pct, dtype=float) / 100
    n = np.asarray(pd.array(n, dtype="Float64").to_numpy(dtype=float, na_value=np.nan) if not np.isscalar(n)
                   else float(n), dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100 * (centre - half), 100 * (centre + half)


def with_band(choice: pd.DataFrame, sizes: pd.DataFrame, *, z: float = 1.96) -> pd.DataFrame:
    """:func:`forced_choice` rows with ``n``, ``n_sourced`` and the band ``us_low``, ``us_high`` around ``us_pct``.

    Rows whose country has no size (the ASEAN-wide rows) keep a missing band.

    Examples
    --------
    >>> c = pd.DataFrame({"year": [2021], "country_id": ["KHM"], "us_pct": [53.8]})
    >>> s = pd.DataFrame({"year": [2021], "country_id": ["KHM"], "n": pd.array([26], dtype="Int64"), "n_sourced": [True]})
    >>> [round(v, 1) for v in with_band(c, s)[["us_low", "us_high"]].iloc[0]]
    [35.4, 71.2]
    """
    out = choice.merge(sizes, on=["year", "country_id"], how="left")
    low, high = sampling_band(out["us_pct"].astype(float), out["n"], z=z)
    out["us_low"], out["us_high"] = np.round(low, 1), np.round(high, 1)
    return out


def deeds(t: dict, *, as_of=None, min_items: int = MIN_ITEMS) -> pd.DataFrame:
    """US-China balance of each member state's instruments, data centres and investment, and whether it can be read.

    Instruments: every counted instrument, ASEAN-level ones expanded to the
    members of the day (:func:`aseanai.partners.state_diversity`); a state is
    measured when it signed at least :data:`aseanai.partners.MIN_INSTRUMENTS`
    itself, as in lesson 1b. Data centres (facilities, backers' shares at the
    first event) and investment (pledges in US dollars): measured when at least
    ``min_items`` facilities or pledges have a US or Chinese origin. The
    balance is :func:`aseanai.metrics.us_china`'s: 100 all US, 0 all China.

    Returns
    -------
    DataFrame
        One row per member state (``member_id``) and ``dimension``
        (``instruments``, ``data centres``, ``investment``): ``n_us``, ``n_cn``,
        ``balance``, ``n_items`` (own instruments; facilities or pledges with a
        US or Chinese origin) and ``measured``. Unmeasured rows keep their
        counts but a missing balance.

    Examples
    --------
    >>> import aseanai
    >>> d = deeds(aseanai.load_all(), as_of="2024-02-01")
    >>> sorted(d.loc[d["measured"] & (d["dimension"] == "instruments"), "member_id"])
    ['IDN', 'MYS', 'PHL', 'SGP']
    """
    members = t["bloc_members"]
    asean = members[members["bloc_id"] == "ASEAN"]
    if as_of is not None:  # the members of the day: Timor-Leste joined after the column
        day = pd.Timestamp(as_of)
        asean = asean[(asean["joined_on"] <= day) & ~(asean["left_on"] <= day)]
    states = sorted(asean["member_id"].astype(str))
    full = metrics.select_instruments(t["agreements"])
    div = partners.state_diversity(full, t["agreement_parties"], members, as_of=as_of)
    inst = pd.DataFrame({"member_id": div["member_id"].astype(str), "dimension": "instruments",
                         "n_us": div["n_us"].astype(float), "n_cn": div["n_cn"].astype(float),
                         "balance": div["balance"].astype(float), "n_items": div["n_own"].astype(int),
                         "measured": div["measured"].astype(bool)})
    items = dimensions.items(t, as_of=as_of)
    items = items[items["dimension"].isin(["data centres", "investment"]) & items["host"].isin(states)]
    items = items.assign(host=items["host"].astype(str), dimension=items["dimension"].astype(str))
    bal = metrics.us_china(items, by=["host", "dimension"], origin="origin", value="value")
    sided = items[items["origin"].isin(["USA", "CHN"])].groupby(["host", "dimension"])["item"].nunique()
    grid = pd.MultiIndex.from_product([states, ["data centres", "investment"]], names=["host", "dimension"])
    other = bal.set_index(["host", "dimension"]).reindex(grid).reset_index()
    other["n_items"] = [int(sided.get((h, d), 0)) for h, d in zip(other["host"], other["dimension"])]
    other = other.rename(columns={"host": "member_id"}).fillna({"n_us": 0.0, "n_cn": 0.0})
    other["measured"] = other["n_items"] >= min_items
    other["balance"] = other["balance"].astype(float)
    out = pd.concat([inst[inst["member_id"].isin(states)], other], ignore_index=True)
    out["balance"] = out["balance"].where(out["measured"])
    dims = ["instruments", "data centres", "investment"]
    out["dimension"] = pd.Categorical(out["dimension"], categories=dims, ordered=True)
    return out.sort_values(["member_id", "dimension"], ignore_index=True)[
        ["member_id", "dimension", "n_us", "n_cn", "balance", "n_items", "measured"]]


def spearman(x, y) -> float:
    """Spearman's rank correlation of two equal-length sequences (average ranks for ties); NaN below 2 pairs.

    Examples
    --------
    >>> spearman([24.9, 26.8, 61.5, 83.3], [20, 50, 60, 100 / 3])
    0.4
    >>> spearman([1, 2, 3], [3, 2, 1])
    -1.0
    """
    a = pd.Series(list(x), dtype=float).rank()
    b = pd.Series(list(y), dtype=float).rank()
    if len(a) < 2:
        return math.nan
    return round(float(np.corrcoef(a, b)[0, 1]), 12)


def spearman_values(n: int) -> list[float]:
    """Every value Spearman's rank correlation can take for ``n`` items without ties, smallest first.

    With few items the coefficient moves in large steps: one swap of two
    neighbours changes it by ``12 / (n (n^2 - 1))``.

    Examples
    --------
    >>> spearman_values(3)
    [-1.0, -0.5, 0.5, 1.0]
    >>> len(spearman_values(4))
    11
    """
    if n > 8:
        raise ValueError("n up to 8: the values are found by listing every ordering")
    base = list(range(n))
    found = {round(spearman(base, p), 9) for p in itertools.permutations(base)}
    return sorted(found)


def answer_shares(responses: pd.DataFrame, editions: pd.DataFrame, question: str, *, country: str = "ASEAN",
                  candidates: bool = False) -> pd.DataFrame:
    """One question's preferred answers for one country (default the ASEAN-wide rows), as stated.

    Returns
    -------
    DataFrame
        ``year``, ``answer_id``, ``weighting``, ``is_restated``, ``share_pct``,
        ``share_text`` and ``evidence_level``, by year and answer.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> a = answer_shares(t["survey_responses"], t["survey_editions"], "asean_response")
    >>> a.loc[a["year"] == 2022, "share_pct"].sum().round(1)
    np.float64(100.0)
    """
    r = _used(responses, candidates)
    r = r[(r["question_id"] == question) & (r["country_id"] == country)]
    r = r.assign(year=_year(r, editions))
    cols = ["year", "answer_id", "weighting", "is_restated", "share_pct", "share_text", "evidence_level"]
    return r.sort_values(["year", "answer_id"])[cols].reset_index(drop=True)


def with_remainder(shares: pd.DataFrame, *, by: str = "year", value: str = "share_pct", label: str = "not given",
                   key: str = "answer_id") -> pd.DataFrame:
    """Stated shares plus, per ``by``, a row for what the sources leave out: 100 minus the stated shares.

    The remainder is computed, not a sourced answer; it is labelled ``label``
    and left out where the stated shares already add up to 100.

    Examples
    --------
    >>> s = pd.DataFrame({"year": [2021, 2021, 2022, 2022], "answer_id": ["a", "b", "a", "b"],
    ...                   "share_pct": [30.6, 3.4, 60.0, 40.0]})
    >>> with_remainder(s).query("answer_id == 'not given'")[["year", "share_pct"]].to_dict("records")
    [{'year': 2021, 'share_pct': 66.0}]
    """
    stated = shares.dropna(subset=[value])
    rest = (100 - stated.groupby(by)[value].sum()).round(1).rename(value).reset_index()
    rest = rest[rest[value] > 0].assign(**{key: label})
    return pd.concat([stated, rest], ignore_index=True)
