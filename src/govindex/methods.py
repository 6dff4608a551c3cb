"""Method objects: every parameter of a computation, validated in one place.

A method is a frozen dataclass deriving from :class:`Method` (:class:`~govindex.IndexMethod`,
:class:`~govindex.GPIMethod`, :class:`~govindex.NPIMethod`). Its defaults are written once,
in the class; its checks run once, when it is built; the result of a computation keeps
the exact method that made it, so that re-running it reproduces it bit for bit.

Every index function takes ``method=None`` and keyword overrides, and builds its
method with :meth:`Method.build`: an unknown or misspelt keyword is a
:class:`~govindex.exceptions.MethodError` that names it and suggests the closest
parameter.

Examples
--------
>>> from govindex import GPIMethod
>>> m = GPIMethod.build(change="slope")
>>> m.window, m.change
(3, 'slope')
>>> GPIMethod.build(m, window=4).window
4
>>> GPIMethod.build(chnage="slope")
Traceback (most recent call last):
...
govindex.exceptions.MethodError: unknown parameter 'chnage'; did you mean 'change'? ...
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Final, Self, cast

from govindex.exceptions import GovindexError, MethodError, closest_name, format_items

__all__ = ["DEFAULT_COVERAGE", "Method", "check_coverage", "check_number"]

#: Default coverage threshold of every index: the minimum share of a node's child weight
#: (and, for the GPI, of a body's indicators) with data; below it there is no score.
DEFAULT_COVERAGE: Final = 2 / 3


def check_number(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    open_low: bool = False,
    open_high: bool = False,
    integer: bool = False,
    hint: str = "",
) -> float:
    """``value`` as a float, after checking that it is a finite real number within bounds.

    The shared check of numeric method parameters (method objects and the normalisation
    and aggregation kernels): ``True``, strings, ``None``, NaN and infinities are a
    :class:`~govindex.exceptions.MethodError` that names the parameter and the range.

    Parameters
    ----------
    value : object
        The value given.
    name : str
        The parameter's name, for the message.
    low, high : float, optional
        Bounds; ``open_low`` / ``open_high`` exclude them.
    integer : bool, default False
        The value must be a whole number (``5`` or ``5.0``, not ``2.5``).
    hint : str, optional
        What the parameter means (a sentence, e.g. ``". It is …"``), appended to the message.

    Returns
    -------
    float

    Examples
    --------
    >>> check_number(3, "window", low=2, integer=True)
    3.0
    >>> check_number(2.5, "n_bands", low=1, integer=True)
    Traceback (most recent call last):
    ...
    govindex.exceptions.MethodError: n_bands must be an integer >= 1; got 2.5
    """
    real = isinstance(value, numbers.Real) and not isinstance(value, bool)
    number = float(value) if real else math.nan  # type: ignore[arg-type]
    finite = math.isfinite(number)
    ok = finite and (not integer or number.is_integer())
    ok = ok and (low is None or (number > low if open_low else number >= low))
    ok = ok and (high is None or (number < high if open_high else number <= high))
    if not ok:
        if low is not None and high is not None:
            left, right = "(" if open_low else "[", ")" if open_high else "]"
            bounds = f"within {left}{low:g}, {high:g}{right}"
        elif low is not None:
            bounds = f"{'>' if open_low else '>='} {low:g}"
        elif high is not None:
            bounds = f"{'<' if open_high else '<='} {high:g}"
        else:
            bounds = ""
        desc = f"an integer {bounds}".rstrip() if integer else (bounds or "a finite number")
        why = (
            f" ({type(value).__name__}, not a number)"
            if not real
            else ("" if finite else " (not a finite number)")
        )
        raise MethodError(f"{name} must be {desc}; got {value!r}{why}{hint}")
    return number


def check_coverage(value: object) -> None:
    """Raise :class:`~govindex.exceptions.MethodError` unless ``0 ≤ value ≤ 1``.

    Examples
    --------
    >>> check_coverage(0.5)
    >>> check_coverage(1.5)
    Traceback (most recent call last):
    ...
    govindex.exceptions.MethodError: coverage must be within [0, 1]; got 1.5. It is ...
    """
    check_number(
        value,
        "coverage",
        low=0.0,
        high=1.0,
        hint=". It is the minimum share of child weight with data (0 turns the check off)",
    )


class Method:
    """Base of the frozen method dataclasses: build, replace and (de)serialise.

    Subclasses are ``@dataclass(frozen=True)`` classes whose fields are the
    parameters, with their defaults; they implement :meth:`_validate` (checks and
    normalisation of the values, run whenever an instance is made) and list in
    ``_OMIT_IF_NONE`` the optional parameters left out of :meth:`to_dict` when unset, and
    in ``_OMIT_IF_DEFAULT`` the parameters left out when they hold their default (added
    after results were first written: the stored method of a run that does not use them
    stays what it was).
    """

    _OMIT_IF_NONE: ClassVar[tuple[str, ...]] = ()
    _OMIT_IF_DEFAULT: ClassVar[tuple[str, ...]] = ()

    def __post_init__(self) -> None:
        try:
            self._validate()
        except GovindexError:
            raise
        except (TypeError, ValueError) as exc:  # a value of the wrong type met a check
            raise MethodError(f"{type(self).__name__}: bad parameter value ({exc})") from None

    def _validate(self) -> None:
        """Check (and normalise with ``_set``) the parameters; subclasses override."""

    def _set(self, name: str, value: object) -> None:
        """Store a normalised value in a frozen field (for :meth:`_validate`)."""
        object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ building
    @classmethod
    def parameters(cls) -> tuple[str, ...]:
        """Names of the parameters, in order.

        Examples
        --------
        >>> from govindex import NPIMethod
        >>> NPIMethod.parameters()[:3]
        ('country', 'reference', 'reference_weights')
        """
        return tuple(f.name for f in dataclasses.fields(cast(Any, cls)) if f.init)

    @classmethod
    def check_names(cls, names: Iterable[str], *, also: Iterable[str] = ()) -> None:
        """Raise :class:`~govindex.exceptions.MethodError` for a name that is not a parameter.

        ``also`` are other accepted names (e.g. the keyword arguments of the index
        function), used only to suggest the closest one.
        """
        known = cls.parameters()
        for name in names:
            if name not in known:
                hint = closest_name(name, [*known, *also])
                suggestion = f"; did you mean {hint!r}?" if hint else ""
                raise MethodError(
                    f"unknown parameter {name!r}{suggestion} ({cls.__name__} parameters: "
                    f"{format_items(known, limit=len(known))})"
                )

    @classmethod
    def build(cls, method: Self | None = None, /, **overrides: Any) -> Self:
        """The method ``method`` (or the defaults) with some parameters overridden.

        Parameters
        ----------
        method : instance of this class, optional
            The starting point; None = the class defaults.
        **overrides
            Parameters to change. An unknown name is a
            :class:`~govindex.exceptions.MethodError` suggesting the closest parameter.

        Returns
        -------
        Method
            ``method`` itself when nothing is overridden, else a new validated instance.

        Examples
        --------
        >>> from govindex import IndexMethod
        >>> m = IndexMethod.build(normalization="zscore")
        >>> IndexMethod.build(m) is m
        True
        >>> IndexMethod.build(m, coverage=0.5).coverage
        0.5
        """
        cls.check_names(overrides)
        if method is None:
            missing = [
                f.name
                for f in dataclasses.fields(cast(Any, cls))
                if f.init
                and f.default is dataclasses.MISSING
                and f.default_factory is dataclasses.MISSING
                and f.name not in overrides
            ]
            if missing:
                raise MethodError(f"{cls.__name__} needs the parameter(s) {format_items(missing)}")
            return cast(Self, cast(Any, cls)(**overrides))
        if not isinstance(method, cls):
            raise MethodError(
                f"method must be a {cls.__name__} (or None for the defaults); "
                f"got {type(method).__name__}"
            )
        return method.replace(**overrides) if overrides else method

    def replace(self, **changes: Any) -> Self:
        """A copy with some parameters changed (validated like a new method).

        Examples
        --------
        >>> from govindex import GPIMethod
        >>> GPIMethod().replace(window=5).window
        5
        """
        type(self).check_names(changes)
        return cast(Self, dataclasses.replace(cast(Any, self), **changes))

    # ------------------------------------------------------------------ serialising
    def to_dict(self) -> dict[str, Any]:
        """Plain-dict form (JSON/TOML serialisable); unset optional parameters (and the
        later parameters of ``_OMIT_IF_DEFAULT`` at their default) are left out.

        Examples
        --------
        >>> from govindex import NPIMethod
        >>> NPIMethod(country="KZ", reference="OED").to_dict()["cap"]
        (0.0, 2.0)
        """
        out = dataclasses.asdict(cast(Any, self))
        for key in self._OMIT_IF_NONE:
            if out[key] is None:
                del out[key]
        if self._OMIT_IF_DEFAULT:
            defaults = {f.name: f.default for f in dataclasses.fields(cast(Any, self))}
            for key in self._OMIT_IF_DEFAULT:
                if out[key] == defaults[key]:
                    del out[key]
        return out

    def non_defaults(self) -> dict[str, Any]:
        """The parameters that differ from the class defaults (required ones always).

        Examples
        --------
        >>> from govindex import GPIMethod
        >>> GPIMethod(window=4, change="relative").non_defaults()
        {'window': 4}
        """
        values = self.to_dict()
        out: dict[str, Any] = {}
        for f in dataclasses.fields(cast(Any, self)):
            if not f.init or f.name not in values:
                continue
            if f.default is not dataclasses.MISSING:
                default: Any = f.default
            elif f.default_factory is not dataclasses.MISSING:
                default = f.default_factory()
            else:
                out[f.name] = values[f.name]
                continue
            if values[f.name] != default:
                out[f.name] = values[f.name]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Self:
        """The method of a :meth:`to_dict` mapping (or of any mapping of parameters).

        Examples
        --------
        >>> from govindex import GPIMethod
        >>> m = GPIMethod(change="slope", imputation={"method": "locf"})
        >>> GPIMethod.from_dict(m.to_dict()) == m
        True
        """
        if not isinstance(data, Mapping):
            raise MethodError(
                f"{cls.__name__}.from_dict expects a mapping of parameters; "
                f"got {type(data).__name__}"
            )
        return cls.build(None, **{str(k): v for k, v in data.items()})
