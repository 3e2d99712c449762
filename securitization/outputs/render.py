"""The one path by which charts become files: reproducible settings, bytes per format.

The gallery and the per-case reports both draw through :func:`render`: a figure of its own
(matplotlib's non-interactive Agg canvas, no pyplot, no window; the user's settings and
figures are left alone), fixed fonts and styles, and metadata without dates or versions,
so that the same scores give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Literal

import matplotlib as mpl
import matplotlib.style
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..errors import ParameterError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["MAX_DPI", "MIN_DPI", "RC", "ImageFormat", "check_dpi", "render"]

ImageFormat = Literal["png", "svg", "pdf"]
#: Bounds of the PNG resolution (dots per inch).
MIN_DPI, MAX_DPI = 10, 1200

#: Settings that make the files reproducible and readable, applied on matplotlib's defaults.
RC: dict[str, Any] = {
    "svg.hashsalt": "securitization",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
    "font.family": "DejaVu Sans",
    "figure.dpi": 100,
    "savefig.facecolor": "white",
    "axes.titleweight": "bold",
}
META: dict[str, dict[str, str | None]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": "securitization"},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": "securitization", "Producer": "securitization"},
}


def check_dpi(dpi: object, caller: str) -> float:
    """``dpi`` if it is a number within :data:`MIN_DPI` and :data:`MAX_DPI`, else a parameter error."""
    if isinstance(dpi, bool) or not isinstance(dpi, int | float) or not MIN_DPI <= dpi <= MAX_DPI:
        raise ParameterError.invalid("dpi", caller, f"a number from {MIN_DPI} to {MAX_DPI}", dpi)
    return float(dpi)


def render(
    draw: Callable[..., Axes],
    figsize: tuple[float, float],
    *,
    formats: Sequence[ImageFormat] = ("png",),
    dpi: float = 150,
    polar: bool = False,
) -> dict[str, bytes]:
    """Draw a chart on a figure of its own and return its bytes in every format.

    ``draw`` is called with ``ax=``; the figure uses constrained layout.
    """
    bad = [f for f in formats if f not in META]
    if bad or not formats:
        raise ParameterError.invalid("formats", "render", "a non-empty list of 'png', 'svg', 'pdf'", list(formats))
    with mpl.rc_context():
        matplotlib.style.use(["default", RC])
        fig = Figure(figsize=figsize, layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot(projection="polar" if polar else None)
        draw(ax=ax)
        out: dict[str, bytes] = {}
        for fmt in formats:
            buf = io.BytesIO()
            fig.savefig(buf, format=fmt, dpi=dpi, metadata=META[fmt])
            out[fmt] = buf.getvalue()
    return out
