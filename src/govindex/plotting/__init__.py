"""Charts of govindex results (matplotlib, imported lazily).

Every function takes a computed result, ``ax=None`` (a new figure when omitted)
and returns the :class:`matplotlib.axes.Axes`; none computes index values or
changes global matplotlib style.
"""

from govindex.plotting._common import CLASS_COLORS
from govindex.plotting.attribution import plot_attribution
from govindex.plotting.operational import plot_lost_points, plot_operational_blocks
from govindex.plotting.performance import plot_changes, plot_gpi_ranking, plot_risk_heatmap
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
]
