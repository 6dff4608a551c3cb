"""The test suite's own configuration (pyproject.toml, ``[tool.pytest.ini_options]``)."""

from __future__ import annotations

import warnings

import pytest

from govindex.exceptions import CodeWarning, DataWarning, GovindexWarning


@pytest.mark.parametrize("category", [GovindexWarning, DataWarning, CodeWarning])
def test_an_uncaught_govindex_warning_fails_a_test(category: type[GovindexWarning]) -> None:
    # a library warning a test neither expects (pytest.warns) nor filters is an error, so the
    # suite's output carries none of them; this one is raised as the exception
    with pytest.raises(category, match="nobody reads this"):
        warnings.warn("nobody reads this", category, stacklevel=1)
