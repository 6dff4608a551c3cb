"""The ``[engine]`` table of a run configuration: where a run computes (:doc:`/scaling`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govindex.exceptions import ConfigError
from govindex.io._config_values import check_keys

__all__ = ["EngineSpec"]


@dataclass(frozen=True)
class EngineSpec:
    """Where a run computes (``[engine]``; :doc:`/scaling`).

    Attributes
    ----------
    scheduler : str
        ``"local"`` (this process, the default), ``"processes:N"`` (N worker processes
        on this machine) or the address of a Dask scheduler (``"tcp://host:port"``).
    chunk_entities : int or None
        Split each GPI section into chunks of at most this many entities, each a task
        that reads only its rows (None: whole sections in this process; with a scheduler,
        chunks of 50,000).

    Examples
    --------
    >>> EngineSpec.from_table({"scheduler": "processes:2", "chunk_entities": 1000})
    EngineSpec(scheduler='processes:2', chunk_entities=1000)
    >>> EngineSpec().split
    False
    """

    scheduler: str = "local"
    chunk_entities: int | None = None

    @property
    def split(self) -> bool:
        """Whether the sections run as tasks (a scheduler or chunks given)."""
        return self.scheduler != "local" or self.chunk_entities is not None

    def to_dict(self) -> dict[str, Any]:
        """The ``[engine]`` table (what the manifest records, with the tasks run)."""
        table: dict[str, Any] = {"scheduler": self.scheduler}
        if self.chunk_entities is not None:
            table["chunk_entities"] = self.chunk_entities
        return table

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> EngineSpec:
        """Validate an ``[engine]`` table; errors are :class:`ConfigError` naming the key."""
        from govindex._engine import check_scheduler
        from govindex.exceptions import EngineError

        check_keys(dict(table), "engine", ("scheduler", "chunk_entities"))
        try:
            scheduler = check_scheduler(table.get("scheduler"))
        except EngineError as exc:
            raise ConfigError(f"[engine] scheduler: {exc}") from None
        chunk = table.get("chunk_entities")
        if chunk is not None and (
            isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1
        ):
            raise ConfigError(
                f"[engine] chunk_entities must be a whole number of entities, at least 1; got {chunk!r}"
            )
        return cls(scheduler, chunk)
