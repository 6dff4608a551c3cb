"""Charts of the HTML reports: matplotlib figures embedded as PNG ``data:`` URIs."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["DPI", "embed_figure"]

#: Resolution of the embedded charts.
DPI = 96


def embed_figure(
    draw: Callable[[Axes], object], size: tuple[float, float], alt: str, caption: str
) -> dict[str, Any]:
    """Draw on a new (pyplot-free) figure and return it as an ``<img>`` data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    draw(fig.add_subplot())
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    data = buffer.getvalue()
    width, height = (
        int.from_bytes(data[16:20], "big"),
        int.from_bytes(data[20:24], "big"),
    )  # PNG IHDR
    src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
    return {"src": src, "alt": alt, "caption": caption, "width": width, "height": height}
