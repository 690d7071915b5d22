"""Partner diversity, US-China balance and dominance: tidy frames in, tidy frames out.

Definitions (``s_i`` is partner ``i``'s share of a state's links, ``n`` the
number of distinct partners):

- Herfindahl-Hirschman index ``HHI = sum(s_i ** 2)``, from ``1/n`` (even) to 1.
- Normalised HHI, the form UNCTAD uses for concentration indices,
  ``(HHI - 1/n) / (1 - 1/n)``, from 0 (even) to 1 (one partner); 1 when ``n == 1``.
- Effective number of partners ``1 / HHI``.
- Shannon entropy ``-sum(s_i * ln s_i)``, in nats; 0 for a single partner.
- US-China balance ``B = 100 * n_US / (n_US + n_CN)``: 100 all-US, 0 all-China,
  50 even; undefined (NA, not 50) when neither appears.
- Dominance share: the largest single origin's share of a total.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "select_instruments", "EVIDENCE_LEVELS", "expand_blocs", "partner_links", "partner_shares", "concentration", "diversity",
    "balance", "us_china", "consortium_tally", "dominance", "origin_as_of", "project_origins", "cagr", "diversity_grid",
    "flip_margin", "period_end",
]

US, CN = "USA", "CHN"


def _evidence_levels() -> tuple[str, ...]:
    """The evidence levels the data contract allows, read from ``datapackage.json``."""
    from .datapackage import read_package

    field = read_package().resource("agreements").field_map["evidence_level"]
    return tuple(field.enum or ())


def __getattr__(name):  # EVIDENCE_LEVELS is read from the data contract, not copied here
    if name == "EVIDENCE_LEVELS":
        return _evidence_levels()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def select_instruments(agreements: pd.DataFrame, *, coverage: str = "all", candidates: bool = False,
                       evidence=None) -> pd.DataFrame:
    """The instruments an analysis counts.

    Parameters
    ----------
    agreements : DataFrame
        The ``agreements`` table.
    coverage : {"all", "table1"}
        Every instrument in the data, or only the column's Table 1.
    candidates : bool, default False
        Include the candidates (AI link, status or parties unconfirmed).
    evidence : iterable of str, optional
        Evidence levels to keep, e.g. ``("official",)`` to drop rows that
        rest on secondary or weak sources. Default: every level, so a level
        added to the data contract is counted, never silently dropped.

    Raises
    ------
    ValueError
        If ``evidence`` names a level the data do not know.

    Examples
    --------
    >>> import aseanai
    >>> a = aseanai.load("agreements")
    >>> len(select_instruments(a, coverage="table1"))
    7
    """
    if coverage not in ("all", "table1"):
        raise ValueError(f"coverage must be 'all' or 'table1', not {coverage!r}")
    levels = agreements["evidence_level"]
    if evidence is None:
        keep = pd.Series(True, index=agreements.index)
    else:
        known = set(levels.cat.categories) if isinstance(levels.dtype, pd.CategoricalDtype) else set(_evidence_levels())
        unknown = sorted(set(evidence) - known)
        if unknown:
            raise ValueError(f"unknown evidence level(s) {unknown}; the data know {sorted(known)}")
        keep = levels.astype(object).isin(list(evidence))
    if coverage == "table1":
        keep &= agreements["in_column_table"].fillna(False).astype(bool)
    if not candidates:
        keep &= ~agreements["is_candidate"].fillna(False).astype(bool)
    return agreements[keep.to_numpy()]


def expand_blocs(actors: pd.Series, bloc_members: pd.DataFrame, as_of=None) -> pd.DataFrame:
    """Replace each bloc by its member states as of a date.

    Parameters
    ----------
    actors : Series
        Actor ids; blocs among them are expanded, other ids are kept as they are.
    bloc_members : DataFrame
        The ``bloc_members`` table (``bloc_id``, ``member_id``, ``joined_on``, ``left_on``).
    as_of : Series, scalar or None
        The date at which membership counts, aligned with ``actors``; NaT or None
        counts today's members.

    Returns
    -------
    DataFrame
        ``row`` (position in ``actors``), ``actor_id`` (as given) and
        ``member_id`` (the actor itself, or each member of the bloc then).

    Examples
    --------
    >>> m = pd.DataFrame({"bloc_id": ["B", "B"], "member_id": ["X", "Y"],
    ...                   "joined_on": pd.to_datetime(["2000-01-01", "2020-01-01"]),
    ...                   "left_on": pd.NaT})
    >>> expand_blocs(pd.Series(["B", "Z"]), m, pd.Timestamp("2010-01-01"))["member_id"].tolist()
    ['X', 'Z']
    """
    frame = pd.DataFrame({"row": np.arange(len(actors)), "actor_id": np.asarray(actors, dtype=object)})
    when = pd.Series(pd.to_datetime(as_of if as_of is not None else pd.NaT), index=frame.index) \
        if np.ndim(as_of) == 0 else pd.to_datetime(pd.Series(np.asarray(as_of)))
    frame["_as_of"] = when.fillna(pd.Timestamp("2262-01-01")).to_numpy()
    members = bloc_members[["bloc_id", "member_id", "joined_on", "left_on"]].astype(
        {"bloc_id": object, "member_id": object})
    merged = frame.merge(members, how="left", left_on="actor_id", right_on="bloc_id")
    is_bloc = merged["bloc_id"].notna()
    live = (merged["joined_on"] <= merged["_as_of"]) & (
        merged["left_on"].isna() | (merged["_as_of"] < merged["left_on"]))
    merged = merged[~is_bloc | live.fillna(False).astype(bool)]
    out = merged.assign(member_id=merged["member_id"].where(merged["bloc_id"].notna(), merged["actor_id"]))
    return _sorted(out, ["row", "member_id"])[["row", "actor_id", "member_id"]].reset_index(drop=True)


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``frame.sort_values(columns)``: ascending, missing values last, ties kept in row order.

    Sorted by :func:`numpy.lexsort` on each column's sorted codes
    (:func:`pandas.factorize` with ``sort=True``), which for a long frame is
    quicker than pandas' own multi-column sort; the order is the same (a test
    holds the two to it).
    """
    keys = []
    for c in reversed(columns):  # numpy.lexsort sorts by the last key first
        col = frame[c]
        if isinstance(col.dtype, np.dtype) and col.dtype.kind in "iuf":  # numpy numbers sort as they are, NaN last
            vals = col.to_numpy()
            missing = np.isnan(vals) if col.dtype.kind == "f" else np.zeros(len(vals), dtype=bool)
            keys += [np.where(missing, 0, vals), missing]
            continue
        codes, uniques = pd.factorize(col, sort=True)
        keys.append(np.where(codes < 0, len(uniques), codes))
    return frame.iloc[np.lexsort(keys)] if keys else frame


def partner_links(agreements: pd.DataFrame, parties: pd.DataFrame, bloc_members: pd.DataFrame | None = None, *,
                  expand: bool = True, weight: dict | None = None, as_of=None, internal: bool = False) -> pd.DataFrame:
    """One row per (ASEAN state, partner, instrument): the links diversity is measured on.

    Parameters
    ----------
    agreements, parties : DataFrame
        The ``agreements`` and ``agreement_parties`` tables. Filter
        ``agreements`` first to choose which instruments count.
    bloc_members : DataFrame, optional
        Needed when ``expand`` is true.
    expand : bool, default True
        Expand blocs into their member states as of the signing date; for an
        unsigned instrument, as of the launch of its negotiations, else as of
        ``as_of``, else today. If false, a bloc is one party.
    weight : dict, optional
        ``{column: {value: weight}}``, e.g. ``{"legal_form": {"binding": 2,
        "non-binding": 1}}``. Default: every link weighs 1.
    as_of : date, optional
        Membership date for unsigned instruments; default: today's members.
    internal : bool, default False
        Also count internal cooperation: within an instrument, each ASEAN-side
        state becomes a partner of every other ASEAN-side state. This is the
        only way an intra-ASEAN instrument such as DEFA adds links.

    Returns
    -------
    DataFrame
        ``agreement_id``, ``member_id`` (ASEAN side), ``partner_id``, ``weight``,
        sorted. Without ``internal``, an intra-ASEAN instrument gives no link.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> links = partner_links(t["agreements"], t["agreement_parties"], t["bloc_members"])
    """
    dated = agreements.assign(_when=_membership_date(agreements))
    p = parties.merge(dated[["agreement_id", "_when"]], on="agreement_id", how="inner").reset_index(drop=True)
    if expand:
        if bloc_members is None:
            raise ValueError("expand=True needs the bloc_members table")
        when = p["_when"]
        if as_of is not None:
            when = when.fillna(pd.Timestamp(as_of))
        ex = expand_blocs(p["actor_id"], bloc_members, when)
        p = p.drop(columns="actor_id").iloc[ex["row"].to_numpy()].assign(actor_id=ex["member_id"].to_numpy())
    cols = ["agreement_id", "actor_id"]
    asean = p.loc[p["side"] == "asean", cols].rename(columns={"actor_id": "member_id"})
    partners = p.loc[p["side"] == "partner", cols].rename(columns={"actor_id": "partner_id"})
    links = asean.merge(partners, on="agreement_id")
    if internal:
        fellows = asean.rename(columns={"member_id": "partner_id"})
        inner = asean.merge(fellows, on="agreement_id")
        links = pd.concat([links, inner[inner["member_id"] != inner["partner_id"]]], ignore_index=True)
    links = links.drop_duplicates()
    links = links.astype({"agreement_id": "string", "member_id": "string", "partner_id": "string"})
    links["weight"] = _weights(links, agreements, weight)
    return _sorted(links, ["member_id", "partner_id", "agreement_id"]).reset_index(drop=True)


def _membership_date(agreements: pd.DataFrame) -> pd.Series:
    when = agreements["signed_on"]
    if "negotiations_launched_on" in agreements:
        when = when.fillna(agreements["negotiations_launched_on"])
    return when


def diversity_grid(agreements: pd.DataFrame, parties: pd.DataFrame, bloc_members: pd.DataFrame, *,
                   expand=(True, False), internal=(False, True), weight=(None,), drop=((),), as_of=None,
                   members=None) -> pd.DataFrame:
    """:func:`diversity` under every combination of coding choices (a specification grid).

    Each keyword takes the list of values to try; ``drop`` lists tuples of
    ``agreement_id`` to leave out (e.g. an instrument no source confirms);
    ``weight`` takes ``None`` or ``{column: {value: weight}}`` dicts.

    Returns
    -------
    DataFrame
        One row per specification and ASEAN state: ``expand``, ``internal``,
        ``weighted``, ``dropped``, then the columns of :func:`diversity`.
        States without a link under a specification are absent from it.
    """
    import itertools

    rows = []
    for e, i, w, d in itertools.product(expand, internal, weight, drop):
        a = agreements[~agreements["agreement_id"].isin(list(d))]
        links = partner_links(a, parties, bloc_members, expand=e, internal=i, weight=w, as_of=as_of)
        if members is not None:
            links = links[links["member_id"].isin(list(members))]
        div = diversity(links)
        div.insert(0, "dropped", ", ".join(d) if d else "none")
        div.insert(0, "weighted", "by " + next(iter(w)) if w else "no")
        div.insert(0, "internal", i)
        div.insert(0, "expand", e)
        rows.append(div)
    return pd.concat(rows, ignore_index=True)


def _weights(links: pd.DataFrame, agreements: pd.DataFrame, weight) -> np.ndarray:
    if weight is None:
        return np.ones(len(links))
    ((column, mapping),) = weight.items()
    per_agreement = agreements.set_index("agreement_id")[column].astype(object).map(mapping)
    w = links["agreement_id"].map(per_agreement)
    if w.isna().any():
        missing = sorted(set(agreements[column].astype(object)) - set(mapping))
        raise ValueError(f"weight for {column} has no value for {missing}")
    return w.astype(float).to_numpy()


def partner_shares(links: pd.DataFrame, *, by: str = "member_id", partner: str = "partner_id",
                   weight: str | None = "weight") -> pd.DataFrame:
    """Each partner's share of a group's (weighted) links.

    Returns
    -------
    DataFrame
        ``by``, ``partner``, ``links`` (weighted count) and ``share`` (sums to 1 per group).

    Examples
    --------
    >>> links = pd.DataFrame({"member_id": ["SGP"] * 3, "partner_id": ["USA", "USA", "CHN"]})
    >>> partner_shares(links, weight=None)["share"].round(3).tolist()
    [0.333, 0.667]
    """
    w = links[weight].astype(float) if weight else pd.Series(1.0, index=links.index)
    counts = (links.assign(links=w).groupby([by, partner], observed=True, sort=True)["links"].sum().reset_index())
    counts["share"] = counts["links"] / counts.groupby(by, observed=True)["links"].transform("sum")
    return counts


def concentration(shares: pd.Series) -> dict[str, float]:
    """HHI, normalised HHI, effective number, entropy and largest share of one set of shares.

    Examples
    --------
    >>> concentration(pd.Series([0.5, 0.25, 0.25]))["hhi"]
    0.375
    """
    s = np.asarray(shares, dtype=float)
    s = s[s > 0]
    if s.size == 0:
        return {"n_partners": 0, "hhi": np.nan, "hhi_norm": np.nan, "effective_partners": np.nan, "entropy": np.nan,
                "top_share": np.nan}
    s = s / s.sum()
    n = s.size
    h = float(np.sum(s ** 2))
    norm = 1.0 if n == 1 else (h - 1 / n) / (1 - 1 / n)
    return {"n_partners": n, "hhi": h, "hhi_norm": float(max(norm, 0.0)), "effective_partners": 1 / h,
            "entropy": float(-np.sum(s * np.log(s))) + 0.0,  # + 0.0 turns -0.0 into 0.0
            "top_share": float(s.max())}


def balance(n_us, n_cn):
    """US-China balance ``100 * n_US / (n_US + n_CN)``; NA where both are 0.

    Works on scalars or aligned Series.

    Examples
    --------
    >>> balance(2, 2), balance(3, 0), balance(0, 0)
    (50.0, 100.0, nan)
    """
    us = np.asarray(n_us, dtype=float)
    cn = np.asarray(n_cn, dtype=float)
    total = us + cn
    with np.errstate(invalid="ignore", divide="ignore"):
        b = np.where(total > 0, 100 * us / np.where(total > 0, total, 1), np.nan)
    if isinstance(n_us, pd.Series):
        return pd.Series(b, index=n_us.index, name="balance").astype("Float64")
    return float(b)


def us_china(data: pd.DataFrame, *, by: str | list[str] | None = None, origin: str = "origin",
             value: str | None = None, us: str = US, cn: str = CN) -> pd.DataFrame:
    """US and Chinese weight of each group, and their balance: the one US-China weighting of the library.

    Parameters
    ----------
    data : DataFrame
        Tidy rows, one per item (a link, a backer's share of a facility, a pledge).
    by : str or list of str, optional
        Grouping columns; ``None`` treats all rows as one group.
    origin : str
        Column holding the origin country (ISO code).
    value : str, optional
        Column of weights to sum (a share, US dollars); default counts rows.

    Returns
    -------
    DataFrame
        ``by``..., ``n_us``, ``n_cn`` (summed weights) and ``balance``
        (:func:`balance`: 100 all US, 0 all China, NA when neither appears).

    Examples
    --------
    >>> d = pd.DataFrame({"host": ["SGP", "SGP", "SGP", "MYS"], "origin": ["USA", "CHN", "AUS", "JPN"],
    ...                   "w": [1.0, 0.5, 0.5, 1.0]})
    >>> us_china(d, by="host", value="w").to_dict("records")
    [{'host': 'MYS', 'n_us': 0.0, 'n_cn': 0.0, 'balance': None}, {'host': 'SGP', 'n_us': 1.0, 'n_cn': 0.5, 'balance': 66.66666666666667}]
    """
    keys = [] if by is None else ([by] if isinstance(by, str) else list(by))
    w = data[value].astype(float) if value else pd.Series(1.0, index=data.index)
    o = data[origin].astype(object)
    frame = data[keys].assign(n_us=w.where(o == us, 0.0), n_cn=w.where(o == cn, 0.0))
    out = frame.groupby(keys, observed=True, sort=True)[["n_us", "n_cn"]].sum().reset_index() if keys else \
        pd.DataFrame({"n_us": [float(frame["n_us"].sum())], "n_cn": [float(frame["n_cn"].sum())]})
    out["balance"] = balance(out["n_us"], out["n_cn"])
    return out


def consortium_tally(origins: pd.DataFrame, *, project: str = "project_id", origin: str = "origin_id",
                     weight: str = "weight", any_of: str = CN) -> pd.DataFrame:
    """Projects per origin counted two ways: fractional shares, and "any backer from ``any_of``".

    The column's reading counts a consortium as Chinese-backed when any of its
    backers is Chinese; fractional counting gives each backer its weight.

    Parameters
    ----------
    origins : DataFrame
        One row per project and backer, as :func:`project_origins` returns.
    any_of : str
        The origin that claims a whole project when any backer has it.

    Returns
    -------
    DataFrame
        One row per origin: ``origin``, ``fractional`` (summed weights) and
        ``any_<code>`` (projects labelled with that origin under the "any" rule;
        a project without a backer from ``any_of`` takes its largest backer's
        origin, ties broken by the order of the rows).

    Examples
    --------
    >>> o = pd.DataFrame({"project_id": ["a", "a", "b"], "origin_id": ["AUS", "CHN", "USA"],
    ...                   "weight": [0.5, 0.5, 1.0]})
    >>> consortium_tally(o).to_dict("records")
    [{'origin': 'AUS', 'fractional': 0.5, 'any_CHN': 0}, {'origin': 'CHN', 'fractional': 0.5, 'any_CHN': 1}, {'origin': 'USA', 'fractional': 1.0, 'any_CHN': 1}]
    """
    o = origins.assign(_o=origins[origin].astype(object))
    top = o.sort_values([project, weight], ascending=[True, False], kind="stable").groupby(project)["_o"].first()
    has = o.groupby(project)["_o"].agg(lambda s: bool((s == any_of).any()))
    label = top.where(~has, any_of)
    frac = o.groupby("_o")[weight].sum().astype(float)
    out = pd.DataFrame({"fractional": frac, f"any_{any_of}": label.value_counts()}).fillna(0)
    out[f"any_{any_of}"] = out[f"any_{any_of}"].astype(int)
    return out.rename_axis("origin").sort_index().reset_index()


def period_end(dates: pd.Series, precision: pd.Series) -> pd.Series:
    """The last day each date could be at its precision: the day itself, the month's end or 31 December.

    A partial date is stored as its first day; comparing "before" and "after"
    honestly needs the last day too (a target "by April" allows all of April).

    Examples
    --------
    >>> d = pd.Series(pd.to_datetime(["2024-04-01", "2021-01-01", "2024-02-02"]))
    >>> period_end(d, pd.Series(["month", "year", "day"])).dt.strftime("%Y-%m-%d").tolist()
    ['2024-04-30', '2021-12-31', '2024-02-02']
    """
    p = pd.Series(np.asarray(precision, dtype=object), index=dates.index)
    out = dates.where(p != "month", dates + pd.offsets.MonthEnd(0))
    return out.where(p != "year", dates + pd.offsets.YearEnd(0))


def diversity(links: pd.DataFrame, *, by: str = "member_id", partner: str = "partner_id",
              weight: str | None = "weight", us: str = US, cn: str = CN) -> pd.DataFrame:
    """Partner-diversity metrics per group: the table of the partner-diversity notebook.

    Returns
    -------
    DataFrame
        One row per ``by`` value: ``n_instruments``, ``n_partners``, ``hhi``,
        ``hhi_norm``, ``effective_partners``, ``entropy``, ``top_share`` (the
        largest partner's share), ``n_us``, ``n_cn`` (weighted links to each)
        and ``balance``.

    Examples
    --------
    >>> links = pd.DataFrame({"agreement_id": list("abcd"), "member_id": ["SGP"] * 4,
    ...                       "partner_id": ["USA", "CHN", "AUS", "AUS"], "weight": 1.0})
    >>> diversity(links)[["n_partners", "hhi", "balance"]].to_dict("records")
    [{'n_partners': 3, 'hhi': 0.375, 'balance': 50.0}]
    """
    shares = partner_shares(links, by=by, partner=partner, weight=weight)
    rows = [{by: key, **concentration(g["share"])} for key, g in shares.groupby(by, observed=True, sort=True)]
    out = pd.DataFrame(rows, columns=[by, "n_partners", "hhi", "hhi_norm", "effective_partners", "entropy",
                                      "top_share"])
    n_inst = links.groupby(by, observed=True)["agreement_id"].nunique() if "agreement_id" in links else None
    out.insert(1, "n_instruments", out[by].map(n_inst).astype("Int64") if n_inst is not None else pd.NA)
    out["n_partners"] = out["n_partners"].astype("Int64")
    bal = us_china(shares, by=by, origin=partner, value="links", us=us, cn=cn)
    out = out.merge(bal, on=by, how="left")
    return out.reset_index(drop=True)


def dominance(data: pd.DataFrame, *, by: str | list[str], origin: str, value: str | None = None) -> pd.DataFrame:
    """Largest single origin's share of each group, and which origin it is.

    Parameters
    ----------
    data : DataFrame
        Tidy rows, one per item (an instrument link, a project, a pledge).
    by : str or list of str
        Grouping columns (e.g. ``["host_id", "dimension"]``).
    origin : str
        Column holding the origin country.
    value : str, optional
        Column to sum (e.g. MW or USD); default counts rows.

    Returns
    -------
    DataFrame
        ``by``..., ``top_origin``, ``top_share``, ``tied``, ``leaders`` (all
        origins sharing the top, comma-separated), ``n_origins``, ``total``.
        Ties for the top are broken alphabetically in ``top_origin`` and
        flagged in ``tied``.

    Examples
    --------
    >>> d = pd.DataFrame({"host": ["SGP"] * 4, "origin": ["USA", "USA", "CHN", "AUS"]})
    >>> dominance(d, by="host", origin="origin")[["top_origin", "top_share"]].to_dict("records")
    [{'top_origin': 'USA', 'top_share': 0.5}]
    """
    by = [by] if isinstance(by, str) else list(by)
    vals = data[value].astype(float) if value else pd.Series(1.0, index=data.index)
    sums = data.assign(_v=vals).groupby(by + [origin], observed=True, sort=True)["_v"].sum().reset_index()
    sums = sums[sums["_v"] > 0]
    rows = []
    for key, g in sums.groupby(by, observed=True, sort=True):
        key = key if isinstance(key, tuple) else (key,)
        total = g["_v"].sum()
        top = g["_v"].max()
        leaders = sorted(g.loc[g["_v"] == top, origin].astype(str))
        rows.append({**dict(zip(by, key)), "top_origin": leaders[0], "top_share": float(top / total),
                     "tied": len(leaders) > 1, "leaders": ", ".join(leaders), "n_origins": len(g),
                     "total": float(total)})
    return pd.DataFrame(rows, columns=by + ["top_origin", "top_share", "tied", "leaders", "n_origins", "total"])


#: Which basis decides a company's origin when several hold at once.
ORIGIN_PREFERENCE = ("controlling owner", "parent company", "headquarters")


def origin_as_of(company_origins: pd.DataFrame, as_of=None, *, prefer=ORIGIN_PREFERENCE) -> pd.DataFrame:
    """Each company's origin country on a date.

    A period holds from ``valid_from`` (open when empty) up to, not including,
    ``valid_to`` (open when empty). Where several bases hold at once (AirTrunk:
    headquartered in Australia, controlled from the US since end-2024), the
    first basis in ``prefer`` wins.

    Parameters
    ----------
    company_origins : DataFrame
        The ``company_origins`` table.
    as_of : date-like, optional
        The date; ``None`` means today's origins (periods still open).

    Returns
    -------
    DataFrame
        ``actor_id``, ``origin_id``, ``basis`` - one row per company.

    Examples
    --------
    >>> import aseanai
    >>> o = aseanai.load("company_origins")
    >>> origin_as_of(o, "2023-07-14").set_index("actor_id").loc["airtrunk", "origin_id"]
    'AUS'
    >>> origin_as_of(o, None).set_index("actor_id").loc["airtrunk", "origin_id"]
    'USA'
    """
    actors = pd.Series(sorted(company_origins["actor_id"].astype(str).unique()))
    when = pd.NaT if as_of is None else pd.Timestamp(as_of)
    best = _best_spells(company_origins, actors, pd.Series(when, index=actors.index), prefer)
    out = pd.DataFrame({"actor_id": actors.iloc[best["_row"].to_numpy()].to_numpy(),
                        "origin_id": best["origin_id"].astype(str).to_numpy(), "basis": best["basis"].to_numpy()})
    return out.astype({"actor_id": "string", "origin_id": "string"})


def project_origins(projects: pd.DataFrame, project_actors: pd.DataFrame, company_origins: pd.DataFrame, *,
                    as_of="event", roles=("operator", "consortium member", "investor", "parent company")) -> pd.DataFrame:
    """The origin country behind each data-centre event, company by company.

    Parameters
    ----------
    projects, project_actors, company_origins : DataFrame
        The ``dc_projects``, ``dc_project_actors`` and ``company_origins`` tables.
    as_of : "event", None or date-like
        ``"event"`` takes each company's origin on the event's date (on today's
        origin where the event is undated), ``None`` today's origin, a date that date's.
    roles : tuple of str
        Roles that count as backing a project (tenants do not, by default).

    Returns
    -------
    DataFrame
        ``project_id``, ``actor_id``, ``role``, ``origin_id`` and ``weight``: the
        company's ``share`` where a source gives it, else an equal split of what
        is left, so that each project's weights sum to 1. Equal splits are an
        assumption (shares in the sources are undisclosed), flagged in
        ``weight_is_assumed``.

    Examples
    --------
    >>> import aseanai
    >>> t = aseanai.load_all()
    >>> o = project_origins(t["dc_projects"], t["dc_project_actors"], t["company_origins"])
    >>> o[o.project_id == "sg_dccfa_2023_airtrunk_bytedance"][["actor_id", "origin_id", "weight"]].values.tolist()
    [['airtrunk', 'AUS', 0.5], ['bytedance', 'CHN', 0.5]]
    """
    pa = project_actors[project_actors["role"].astype(object).isin(roles)]
    pa = pa.merge(projects[["project_id", "event_on"]], on="project_id", how="inner").reset_index(drop=True)
    if isinstance(as_of, str) and as_of == "event":
        dates = pa["event_on"]
    else:
        dates = pd.Series(pd.Timestamp(as_of) if as_of is not None else pd.NaT, index=pa.index)
    origin = _origins_on(company_origins, pa["actor_id"], dates)
    share = pa["share"].astype("Float64")
    group = pd.factorize(pa["project_id"])[0]  # one grouping for both sums; row order is kept, no sort needed
    known = share.fillna(0).groupby(group, sort=False).transform("sum")
    n_unknown = share.isna().groupby(group, sort=False).transform("sum")
    equal = (1 - known) / n_unknown.where(n_unknown > 0)
    weight = share.fillna(equal).astype(float)
    out = pd.DataFrame({"project_id": pa["project_id"].astype("string"), "actor_id": pa["actor_id"].astype("string"),
                        "role": pa["role"], "origin_id": origin, "weight": weight.to_numpy(),
                        "weight_is_assumed": share.isna().to_numpy()})
    return _sorted(out, ["project_id", "actor_id"]).reset_index(drop=True)


def _best_spells(company_origins: pd.DataFrame, actors: pd.Series, dates: pd.Series,
                 prefer=ORIGIN_PREFERENCE) -> pd.DataFrame:
    """For each (actor, date) pair, the origin period that holds, by ``prefer``; NaT means today (open periods).

    Returns the chosen periods with ``_row``, the position of the pair; pairs with no period are absent.
    """
    spells = company_origins[["actor_id", "origin_id", "basis", "valid_from", "valid_to"]]
    rows = pd.DataFrame({"_row": np.arange(len(actors)), "actor_id": np.asarray(actors, dtype=object),
                         "_when": pd.to_datetime(np.asarray(dates))})
    m = rows.merge(spells.astype({"actor_id": object}), on="actor_id", how="inner")
    w = m["_when"]
    live = np.where(w.isna(), m["valid_to"].isna(),
                    (m["valid_from"].isna() | (m["valid_from"] <= w)) & (m["valid_to"].isna() | (w < m["valid_to"])))
    rank = {b: i for i, b in enumerate(prefer)}
    m = m[live.astype(bool)].assign(_rank=lambda d: d["basis"].astype(object).map(rank).fillna(len(rank)))
    return _sorted(m, ["_row", "_rank"]).drop_duplicates("_row")


def _origins_on(company_origins: pd.DataFrame, actors: pd.Series, dates: pd.Series,
                prefer=ORIGIN_PREFERENCE) -> pd.Series:
    """Origin of each (actor, date) pair, vectorised; NaT means today (the open periods)."""
    best = _best_spells(company_origins, actors, dates, prefer)
    out = pd.Series(pd.NA, index=actors.index, dtype="string")
    out.iloc[best["_row"].to_numpy()] = best["origin_id"].astype("string").to_numpy()
    return out


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate from ``start`` to ``end`` over ``years``.

    Examples
    --------
    >>> round(cagr(100, 121, 2), 4)
    0.1
    """
    if start <= 0 or years <= 0:
        raise ValueError("cagr needs a positive start value and a positive number of years")
    return (end / start) ** (1 / years) - 1


def flip_margin(data: pd.DataFrame, *, by: str | list[str], origin: str, value: str | None = None,
                threshold: float = 0.5) -> pd.DataFrame:
    """How much must be added to flip each group's dominance verdict.

    A group is *dominated* when its largest origin holds more than
    ``threshold`` of the total. For a dominated group, the margin is the
    smallest amount that another origin must add to bring the top share down
    to the threshold; for one that is not, the smallest amount the top origin
    must add to push its share above it.

    Returns
    -------
    DataFrame
        The :func:`dominance` columns plus ``dominated``, ``flip_by`` (``"another
        origin"`` or the top origin) and ``margin`` (in units of ``value``, or
        rows when ``value`` is None; ``one_row_flips`` says whether a single
        added row of size 1 would do it).

    Examples
    --------
    >>> d = pd.DataFrame({"host": ["SGP"] * 3, "origin": ["USA", "USA", "CHN"]})
    >>> flip_margin(d, by="host", origin="origin")[["dominated", "margin"]].to_dict("records")
    [{'dominated': True, 'margin': 1.0}]
    """
    dom = dominance(data, by=by, origin=origin, value=value)
    top = dom["top_share"] * dom["total"]
    dominated = dom["top_share"] > threshold
    # dominated: other adds v with top / (total + v) <= t  ->  v >= top / t - total
    # not: top adds v with (top + v) / (total + v) > t    ->  v > (t * total - top) / (1 - t)
    need_other = (top / threshold - dom["total"]).clip(lower=0)
    need_top = ((threshold * dom["total"] - top) / (1 - threshold)).clip(lower=0)
    dom["dominated"] = dominated
    dom["flip_by"] = np.where(dominated, "another origin", dom["top_origin"])
    dom["margin"] = np.where(dominated, need_other, need_top).astype(float)
    # the "not dominated" side needs strictly more than the margin; a row of size 1 flips it if margin < 1
    dom["one_row_flips"] = np.where(dominated, dom["margin"] <= 1, dom["margin"] < 1)
    return dom
