"""Loaders for the bundled REAL open data: World Bank WDI (the NPI extract) and WGI.

Unlike the synthetic demo sets, these files hold real statistics, copied unchanged from
World Bank data published under CC BY 4.0 by ``data/indicators/make_wdi_npi.py``:

``wdi_npi``
    World Development Indicators: Kazakhstan ``KAZ``, the 38 OECD members (ISO3) and the
    World Bank aggregate "OECD members" ``OED``; 25 NPI indicators (WDI codes, root ``NPI``)
    and the population ``SP.POP.TOTL`` (root ``CONTEXT``), 2010-2025.
``wgi``
    Worldwide Governance Indicators (2024 update): the same 39 countries (no aggregate), six
    dimensions as estimate ``GE.EST``, standard error ``GE.STD.ERR`` and percentile rank
    ``GE.PER.RNK`` (roots ``WGI``, ``WGI_SE``, ``WGI_RANK``), 2010-2023.

Attribution (CC BY 4.0): "World Bank, World Development Indicators" and "Kaufmann D. and
A. Kraay (2024), Worldwide Governance Indicators, 2024 Update". Every panel file carries its
source, licence, attribution and vintage in its Parquet metadata (:func:`data_source`);
``data/indicators/README.md`` describes the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, get_args

from govindex.exceptions import MethodError, format_items

if TYPE_CHECKING:
    from govindex.catalog import Catalog
    from govindex.entities import Entities
    from govindex.panel import Panel

__all__ = [
    "REAL_KINDS",
    "WDI_COUNTRY",
    "WDI_REFERENCE",
    "RealKind",
    "data_source",
    "load_wdi_entities",
    "load_wdi_npi",
    "load_wgi",
]

#: Names of the bundled real data sets.
RealKind = Literal["wdi_npi", "wgi"]
REAL_KINDS: Final[tuple[RealKind, ...]] = get_args(RealKind)
#: The country of the WDI extract and the World Bank aggregate "OECD members".
WDI_COUNTRY: Final = "KAZ"
WDI_REFERENCE: Final = "OED"

_REBUILD = "python data/indicators/make_wdi_npi.py (needs the shared WDI/WGI copies)"


def _file(name: str) -> Path:
    # the package's __init__ re-exports this module: import its folder lookup when called
    from govindex.datasets import DemoDataNotFoundError, demo_data_dir

    path = demo_data_dir() / name
    if not path.is_file():
        raise DemoDataNotFoundError(
            f"the bundled data file {str(path)!r} is missing; reinstall govindex, or in a "
            f"source checkout run `{_REBUILD}`"
        )
    return path


def _check_kind(kind: str) -> None:
    if kind not in REAL_KINDS:
        raise MethodError(
            f"unknown real data set {kind!r}: expected one of {format_items(REAL_KINDS)}"
        )


def data_source(kind: RealKind) -> dict[str, Any]:
    """Source, licence, attribution and vintage of a bundled real data set.

    Read from the panel file's Parquet metadata (key ``govindex``), so that what is
    quoted is what the file says about itself.

    Parameters
    ----------
    kind : {"wdi_npi", "wgi"}

    Returns
    -------
    dict
        ``source``, ``licence``, ``licence_url``, ``attribution``, ``vintage``,
        ``description``, ``synthetic`` (False), ``generator``, ``inputs`` (SHA-256 of the
        files it was built from), ``changes``.

    Examples
    --------
    >>> meta = data_source("wdi_npi")
    >>> meta["licence"], meta["synthetic"]
    ('CC BY 4.0', False)
    >>> meta["source"]
    'World Bank, World Development Indicators'
    """
    import pyarrow.parquet as pq

    _check_kind(kind)
    metadata = pq.read_schema(_file(f"{kind}_panel.parquet")).metadata or {}
    return dict(json.loads(metadata[b"govindex"]))


def _load(kind: RealKind) -> tuple[Panel, Catalog]:
    from govindex.io.read import read_catalog, read_panel

    catalog = read_catalog(_file(f"{kind}_catalog.csv"))
    return read_panel(_file(f"{kind}_panel.parquet"), catalog=catalog), catalog


def load_wdi_npi() -> tuple[Panel, Catalog]:
    """The REAL World Bank WDI extract for the NPI of Kazakhstan against the OECD.

    Returns
    -------
    panel : Panel
        ``KAZ``, the 38 OECD members and ``OED`` × 25 NPI indicators and
        ``SP.POP.TOTL``, 2010-2025 (observations only; gaps are missing rows).
    catalog : Catalog
        Root ``NPI`` → 25 indicators (WDI codes, names and units, ``direction``,
        ``sphere``); root ``CONTEXT`` → ``SP.POP.TOTL`` (for ``reference_weights``).

    See Also
    --------
    load_wdi_entities : the entities table of the panel (names; ``OED`` an aggregate).

    Examples
    --------
    >>> from govindex import progress_index
    >>> panel, catalog = load_wdi_npi()
    >>> panel.shape
    (40, 26, 16)
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # the indicators with data change over the years
    ...     res = progress_index(panel, catalog, country="KAZ", reference="OED", year=2022,
    ...                          entity_table=load_wdi_entities())
    >>> round(res.npi_reference, 2), round(res.npi_base, 2)
    (79.07, 117.98)
    """
    return _load("wdi_npi")


def load_wgi() -> tuple[Panel, Catalog]:
    """The REAL Worldwide Governance Indicators for Kazakhstan and the 38 OECD members.

    Returns
    -------
    panel : Panel
        39 countries × 18 series (six dimensions × estimate, standard error, percentile
        rank), 2010-2023. WGI's non-ISO codes are mapped to ISO3 (e.g. ``ROM`` → ``ROU``),
        so the entities match :func:`load_wdi_npi`.
    catalog : Catalog
        Roots ``WGI`` (estimates), ``WGI_RANK`` (percentile ranks) and ``WGI_SE``
        (standard errors: context, not an index).

    Examples
    --------
    >>> panel, catalog = load_wgi()
    >>> frame = panel.to_frame().set_index(["entity", "indicator", "year"])["value"]
    >>> float(frame[("KAZ", "GE.EST", 2023)])  # WGI README: KAZ 2023 GE 0.15
    0.15
    >>> sorted(catalog.roots)
    ['WGI', 'WGI_RANK', 'WGI_SE']
    """
    return _load("wgi")


def load_wdi_entities() -> Entities:
    """The entities table of the real extracts: 40 entities (DESIGN §2 entities columns).

    Pass it as ``entity_table=`` to :func:`~govindex.progress_index` (or
    :func:`~govindex.compute_index` on the WDI panel): ``OED`` is an aggregate, the
    reference of the NPI, never a country that is assessed or ranked.

    Returns
    -------
    Entities
        ``KAZ`` and the 38 OECD members (kind ``country``, group ``"OECD member"`` for the
        members) and ``OED`` (kind ``aggregate``), with names in English (World Bank),
        Russian and Kazakh (:func:`govindex.read_entities` of ``wdi_entities.csv``).

    Examples
    --------
    >>> ent = load_wdi_entities()
    >>> ent.name("KAZ", "kk"), ent.reference_codes
    ('Қазақстан', ['OED'])
    >>> int((ent.to_frame()["group"] == "OECD member").sum())
    38
    """
    from govindex.io.read import read_entities

    return read_entities(_file("wdi_entities.csv"))
