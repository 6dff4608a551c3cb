"""Where the tasks of an analysis run: this process, or a Dask cluster (optional extra).

A *scheduler* is named by a short text (:func:`check_scheduler`):

``None`` or ``"local"``
    This process, one task after the other (the default; Dask is not imported).
``"processes:N"``
    A ``distributed.LocalCluster`` of ``N`` worker processes on this machine (one thread
    each, loopback only), started for the call and closed after it.
``"tcp://host:port"`` (or ``tls://``)
    The scheduler of a running cluster (``dask scheduler`` / ``dask worker``).

:func:`open_engine` gives an :class:`Engine` whose :meth:`Engine.map` calls
``function(shared, item)`` for every item and returns the results in the order of the
items, whatever the scheduler: the callers split their work into tasks whose boundaries
do not depend on the number of workers, so the results are the same, bit for bit.
Dask (``dask`` + ``distributed``, ``pip install "govindex[distributed]"``) is imported
only here, and only when a scheduler other than ``"local"`` is asked for.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from govindex.exceptions import EngineError, GovindexError

__all__ = ["Engine", "check_scheduler", "open_engine"]

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

_PROCESSES = re.compile(r"processes:(\d+)")
_ADDRESS = re.compile(r"(tcp|tls)://\S+")
_EXTRA = 'pip install "govindex[distributed]"'


def check_scheduler(scheduler: str | None) -> str:
    """The scheduler named in the one form used in manifests and provenance.

    Examples
    --------
    >>> check_scheduler(None), check_scheduler(" processes:2 "), check_scheduler("tcp://h:8786")
    ('local', 'processes:2', 'tcp://h:8786')
    """
    if scheduler is None:
        return "local"
    spec = str(scheduler).strip() if isinstance(scheduler, str) else None
    if spec == "local" or (spec and _ADDRESS.fullmatch(spec)):
        return spec
    match = _PROCESSES.fullmatch(spec or "")
    if match and int(match.group(1)) >= 1:
        return f"processes:{int(match.group(1))}"
    raise EngineError(
        f"unknown scheduler {scheduler!r}; expected 'local' (this process), 'processes:N' "
        "(N worker processes on this machine, N >= 1) or the address of a Dask scheduler "
        "such as 'tcp://10.0.0.5:8786'"
    )


@dataclass(frozen=True)
class Engine:
    """Runs tasks in this process (``client`` None) or on a Dask cluster."""

    scheduler: str
    client: Any = None

    @property
    def workers(self) -> int:
        """Number of workers (1 for ``"local"``)."""
        if self.client is None:
            return 1
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, function: Callable[[S, T], R], shared: S, items: Sequence[T]) -> list[R]:
        """``[function(shared, item) for item in items]``, run on the engine's workers.

        ``shared`` is sent once to every worker; a task that raises a govindex error
        raises it here; a worker that dies more often than the scheduler retries, or a
        task that fails otherwise, is an :class:`~govindex.exceptions.EngineError`. The
        results are fetched as the tasks finish, and each is released on its worker
        then: a worker holds the results of the tasks not yet fetched, not of all its
        tasks.
        """
        if self.client is None:
            return [function(shared, item) for item in items]
        from concurrent.futures import CancelledError

        from distributed import KilledWorker

        try:
            on_workers = self.client.scatter(shared, broadcast=True, hash=False)
            futures = self.client.map(function, [on_workers] * len(items), list(items), pure=False)
            return self._collect(futures)
        except GovindexError:
            raise
        except KilledWorker as exc:
            raise EngineError(
                f"a worker of scheduler {self.scheduler!r} died while running a task ({exc}); "
                "the scheduler gave up after its retries (distributed.scheduler.allowed-failures)"
                ": nothing was kept, run again when the cluster is healthy"
            ) from exc
        except CancelledError as exc:
            # a worker died holding what cannot be computed again: a finished result whose
            # input (the scattered ``shared``, kept on one worker) died with it
            raise EngineError(
                f"a worker of scheduler {self.scheduler!r} died holding results or their "
                f"inputs, which cannot be computed again ({exc}): nothing was kept, run again "
                "when the cluster is healthy (a worker that exceeded its memory limit: smaller "
                "chunk_entities or more memory per worker)"
            ) from exc
        except (OSError, TimeoutError) as exc:
            raise EngineError(
                f"lost the connection to scheduler {self.scheduler!r} ({exc}); nothing was kept"
            ) from exc

    def _collect(self, futures: list[Any]) -> list[Any]:
        """The results of ``futures`` in their order, each fetched (and released on its
        worker) as soon as its task has finished."""
        from distributed import as_completed

        position = {future.key: k for k, future in enumerate(futures)}
        out: list[Any] = [None] * len(futures)
        for future in as_completed(futures):  # type: ignore[no-untyped-call, unused-ignore]
            k = position[future.key]
            out[k] = future.result()  # raises the task's error, or CancelledError if lost
            futures[k] = None  # the last reference to the future: its result is released
            future.release()
        return out


@contextmanager
def open_engine(scheduler: str | None) -> Iterator[Engine]:
    """The :class:`Engine` of ``scheduler`` (see the module docstring), closed on exit.

    Examples
    --------
    >>> with open_engine("local") as engine:
    ...     engine.map(lambda shared, x: shared + x, 10, [1, 2])
    [11, 12]
    """
    spec = check_scheduler(scheduler)
    if spec == "local":
        yield Engine(spec)
        return
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise EngineError(
            f"scheduler {spec!r} runs on Dask, an optional dependency that is not installed: "
            f"{_EXTRA} (or use the default scheduler 'local')"
        ) from None
    match = _PROCESSES.fullmatch(spec)
    if match:
        cluster = LocalCluster(  # type: ignore[no-untyped-call, unused-ignore]
            n_workers=int(match.group(1)),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        with cluster, Client(cluster) as client:  # type: ignore[no-untyped-call, unused-ignore]
            yield Engine(spec, client)
        return
    try:
        client = Client(spec, timeout="30s")  # type: ignore[no-untyped-call, unused-ignore]
    except (OSError, TimeoutError) as exc:
        raise EngineError(
            f"cannot reach the Dask scheduler at {spec!r} ({exc}); start it with `dask "
            "scheduler` and workers with `dask worker ADDRESS` (docs: scaling)"
        ) from exc
    with client:
        yield Engine(spec, client)
