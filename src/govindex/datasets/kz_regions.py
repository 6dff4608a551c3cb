"""Loader of the bundled REAL regional data of Kazakhstan (openly licensed series only).

``data/indicators/kz_regions_*`` (built by ``data/indicators/make_kz_regions.py``) hold the
life expectancy at birth (1999–2022) and the number of hospital organisations (2003–2022) of
Kazakhstan's 17 regions, 3 cities of republican significance and the national total ``KZ``
— Bureau of National Statistics of Kazakhstan data, collected by the open-data-kazakhstan
GitHub organisation under the Open Data Commons PDDL 1.0 — with the entities table (KATO
codes, names in English, Russian and Kazakh) and the 2018 and 2022 boundary changes as a
lineage. See ``data/indicators/README.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from govindex.catalog import Catalog
    from govindex.entities import Entities
    from govindex.panel import Panel
    from govindex.prepare.lineage import Lineage

__all__ = ["KZ_REGIONS_FILES", "KZ_REGIONS_NOTE", "RegionalData", "kz_regions_config_path",
           "kz_regions_source", "load_kz_regions"]  # fmt: skip

#: Printed on every table and chart made from the Kazakh regional data.
KZ_REGIONS_NOTE: Final = (
    "REAL data: Bureau of National Statistics of Kazakhstan via open-data-kazakhstan (PDDL 1.0)"
)
#: The files of the Kazakh regional data in the bundled data folder.
KZ_REGIONS_FILES: Final = {
    "panel": "kz_regions_panel.parquet",
    "catalog": "kz_regions_catalog.csv",
    "entities": "kz_regions_entities.parquet",
    "lineage": "kz_regions_lineage.parquet",
}


@dataclass(frozen=True, eq=False)
class RegionalData:
    """A REAL regional data set: the four inputs of a GPI with its reorganisations.

    Attributes
    ----------
    panel : Panel
    catalog : Catalog
    entities : Entities
    lineage : Lineage
    note : str
        Where the data come from and under which licence (say it on every output).
    """

    panel: Panel
    catalog: Catalog
    entities: Entities
    lineage: Lineage
    note: str = KZ_REGIONS_NOTE


def _paths() -> dict[str, Path]:
    from govindex.datasets import DemoDataNotFoundError, demo_data_dir

    folder = demo_data_dir()
    paths = {k: folder / name for k, name in KZ_REGIONS_FILES.items()}
    missing = sorted(p.name for p in paths.values() if not p.is_file())
    if missing:
        raise DemoDataNotFoundError(
            f"the bundled data folder {str(folder)!r} lacks {missing}; reinstall govindex, or "
            "in a source checkout run `python data/indicators/make_kz_regions.py`"
        )
    return paths


def load_kz_regions() -> RegionalData:
    """Load the REAL regional data of Kazakhstan: panel, catalog, entities and lineage.

    Returns
    -------
    RegionalData
        ``panel`` (``LIFE_EXP`` and ``HOSPITALS`` of the 20 regions and cities and the
        total ``KZ``), ``catalog`` (the regional GPI ``GPI_KZ``), ``entities`` (kinds and
        names in English, Russian and Kazakh; ``KZ`` is a total) and ``lineage`` (2018:
        Shymkent from South Kazakhstan; 2022: Abai, Jetisu and Ulytau).

    Examples
    --------
    >>> kz = load_kz_regions()
    >>> kz.panel.shape
    (21, 2, 24)
    >>> kz.entities.name("KZ-10", "kk"), kz.entities.reference_codes
    ('Абай облысы', ['KZ'])
    >>> kz.lineage.years
    [2018, 2022]
    >>> kz.note
    'REAL data: Bureau of National Statistics of Kazakhstan via open-data-kazakhstan (PDDL 1.0)'
    """
    from govindex.io.read import read_catalog, read_entities, read_lineage, read_panel

    paths = _paths()
    catalog = read_catalog(paths["catalog"])
    return RegionalData(
        panel=read_panel(paths["panel"], catalog=catalog),
        catalog=catalog,
        entities=read_entities(paths["entities"]),
        lineage=read_lineage(paths["lineage"]),
    )


def kz_regions_config_path() -> Path:
    """Path of the run configuration of the Kazakh regional GPI (``kz_regions_run.toml``).

    Examples
    --------
    >>> kz_regions_config_path().name
    'kz_regions_run.toml'
    """
    from govindex.datasets import DemoDataNotFoundError, demo_data_dir

    path = demo_data_dir() / "kz_regions_run.toml"
    if not path.is_file():
        raise DemoDataNotFoundError(f"the Kazakh regional run configuration is missing: {path}")
    return path


def kz_regions_source() -> dict[str, str]:
    """Source, licence and attribution of the Kazakh regional data, as the panel file says.

    Examples
    --------
    >>> src = kz_regions_source()
    >>> src["licence"]
    'Open Data Commons Public Domain Dedication and License (PDDL) 1.0'
    >>> sorted(src)
    ['attribution', 'licence', 'licence_url', 'source']
    """
    import json

    import pyarrow.parquet as pq

    metadata = pq.read_schema(_paths()["panel"]).metadata or {}
    note = json.loads(metadata[b"govindex"])
    return {k: str(note[k]) for k in ("source", "licence", "licence_url", "attribution")}
