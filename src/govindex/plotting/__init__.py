"""Charts of govindex results (matplotlib, imported lazily).

Every function takes a computed result, ``ax=None`` (a new figure when omitted)
and returns the :class:`matplotlib.axes.Axes`; none computes index values or
changes global matplotlib style. Every chart follows one standard (``docs/charts.md``):
text of at least 8 pt, names in ``lang="en" | "ru" | "kk"``, a legend or note for every
encoding, the most severe first, flagged values marked, colours that survive greyscale
and colour-vision deficiencies, and a status line with the year, window and data status.
"""

from govindex.plotting._common import CLASS_COLORS, status_line
from govindex.plotting.attribution import plot_attribution
from govindex.plotting.heatmap import plot_risk_heatmap
from govindex.plotting.operational import plot_lost_points, plot_operational_blocks
from govindex.plotting.performance import plot_changes, plot_gpi_ranking
from govindex.plotting.progress import plot_npi, plot_npi_trend
from govindex.plotting.uncertainty import plot_rank_intervals, plot_sensitivity

__all__ = [
    "CLASS_COLORS",
    "plot_attribution",
    "plot_changes",
    "plot_gpi_ranking",
    "plot_lost_points",
    "plot_npi",
    "plot_npi_trend",
    "plot_operational_blocks",
    "plot_rank_intervals",
    "plot_risk_heatmap",
    "plot_sensitivity",
    "status_line",
]
