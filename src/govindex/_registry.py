"""A small name → function registry used for normalisation, aggregation and change rules."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

from govindex.exceptions import MethodError

F = TypeVar("F", bound=Callable[..., object])


class Registry(Generic[F]):
    """Named vectorised kernels of one family (e.g. normalisation methods).

    Parameters
    ----------
    family : str
        Human-readable name of the family, used in error messages.

    Examples
    --------
    >>> reg: Registry = Registry("demo")
    >>> @reg.register("double")
    ... def double(x):
    ...     return 2 * x
    >>> reg["double"](3)
    6
    >>> "double" in reg
    True
    """

    def __init__(self, family: str) -> None:
        self.family = family
        self._items: dict[str, F] = {}

    def register(self, name: str) -> Callable[[F], F]:
        """Register ``func`` under ``name`` (decorator)."""

        def decorator(func: F) -> F:
            if name in self._items:
                raise MethodError(f"{self.family} method {name!r} is already registered")
            self._items[name] = func
            return func

        return decorator

    def __getitem__(self, name: str) -> F:
        try:
            return self._items[name]
        except KeyError:
            raise MethodError(
                f"unknown {self.family} method {name!r}; expected one of {sorted(self._items)}"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._items))

    def names(self) -> list[str]:
        """Return the registered names, sorted."""
        return sorted(self._items)
