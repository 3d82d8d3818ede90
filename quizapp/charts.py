"""Server-rendered SVG charts: no script, no inline style (presentation attributes only), a
<title> and <desc> each, so they read without JavaScript and pass a strict CSP. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, timedelta
from functools import lru_cache
from html import escape

from .formatting import month
from .stats import Trend

WIDTH, HEIGHT = 640, 240
# Room for the axis labels at the size phones draw them (18 instead of 11): see app.css.
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 62, 12, 32, 32
LEGEND_Y = 18
PRIMARY, MUTED, GRID = "#0d6efd", "#6c757d", "#dee2e6"
SECOND = "#198754"  # a second series: Bootstrap's green, 4.5:1 on white
HEAT = ("#ebedf0", "#9be9a8", "#40c463", "#30a14e", "#216e39")


def _frame(
    chart_id: str,
    title: str,
    description: str,
    body: list[str],
    width=WIDTH,
    height=HEIGHT,
    kind: str = "chart",
) -> str:
    """The SVG around a chart. `kind` "chart scales" marks charts whose margins leave room for
    the bigger text phones give them (app.css)."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="{kind}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _x_label(x: float, text: str, first: bool, last: bool) -> str:
    """A label under the x axis: the first one starts at its point and the last one ends at
    it, so neither runs off the chart whatever its text."""
    anchor = "middle" if first == last else "start" if first else "end"
    return (
        f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="11" '
        f'fill="{MUTED}">{escape(text)}</text>'
    )


def _legend(text: str) -> str:
    """A line of legend at the top right, above the plot."""
    return (
        f'<text x="{WIDTH - PAD_RIGHT}" y="{LEGEND_Y}" text-anchor="end" font-size="11" '
        f'fill="{MUTED}">{escape(text)}</text>'
    )


def _axis(y_max: float, unit: str) -> list[str]:
    parts = []
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    for fraction in (0, 0.5, 1):
        y = PAD_TOP + plot_h * (1 - fraction)
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{y_max * fraction:g}{escape(unit)}</text>'
        )
    return parts


def line_chart(
    chart_id: str,
    title: str,
    values: Sequence[float],
    labels: Sequence[str],
    trend: Trend | None = None,
    y_max: float = 100,
    unit: str = "%",
) -> str:
    """Points joined by a line, with an optional dashed trend line."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    n = len(values)

    def x(i: float) -> float:
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return PAD_TOP + plot_h * (1 - max(0.0, min(v, y_max)) / y_max)

    body = _axis(y_max, unit)
    if n:
        # Each point's coordinates formatted once, for the line and for its circle.
        points = [(f"{x(i):.1f}", f"{y(v):.1f}") for i, v in enumerate(values)]
        path = " ".join(f"{px},{py}" for px, py in points)
        body.append(f'<polyline points="{path}" fill="none" stroke="{PRIMARY}" stroke-width="2"/>')
        shown_unit = escape(unit)
        for i, (px, py) in enumerate(points):
            body.append(
                f'<circle cx="{px}" cy="{py}" r="3" fill="{PRIMARY}">'
                f"<title>{escape(labels[i])}: {values[i]:.0f}{shown_unit}</title></circle>"
            )
        body.extend(_x_label(x(i), labels[i], i == 0, i == n - 1) for i in sorted({0, n - 1}))
    if trend is not None and n > 1:
        body.append(
            f'<line x1="{x(0):.1f}" y1="{y(trend.at(0)):.1f}" x2="{x(n - 1):.1f}" '
            f'y2="{y(trend.at(n - 1)):.1f}" stroke="{MUTED}" stroke-width="1.5" '
            f'stroke-dasharray="6 4" class="trend"/>'
        )
        body.append(_legend("dashed line: trend"))
    if trend is not None and n > 1:
        direction = "rising" if trend.slope > 0.05 else "falling" if trend.slope < -0.05 else "flat"
        description = (
            f"{n} attempts from {labels[0]} to {labels[-1]}; latest {values[-1]:.0f}{unit}; "
            f"trend {direction} ({trend.slope:+.1f} points per attempt)."
        )
    else:
        description = f"{n} attempt(s)." if n else "No finished attempts yet."
    return _frame(chart_id, title, description, body, kind="chart scales")


def bar_chart(
    chart_id: str,
    title: str,
    values: Sequence[int],
    labels: Sequence[str],
    unit: str = "",
    legend: str = "",
) -> str:
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    top = max([*values, 1])
    step = plot_w / max(1, len(values))
    body = _axis(top, unit)
    for i, v in enumerate(values):
        h = plot_h * v / top
        body.append(
            f'<rect x="{PAD_LEFT + i * step + 1:.1f}" y="{PAD_TOP + plot_h - h:.1f}" '
            f'width="{max(1.0, step - 2):.1f}" height="{h:.1f}" fill="{PRIMARY}">'
            f"<title>{escape(labels[i])}: {v}</title></rect>"
        )
    last = len(values) - 1
    for i in sorted({0, last}) if values else ():
        # The first label starts at its bar's left edge, the last ends at its right edge.
        edge = PAD_LEFT + i * step + (0 if i == 0 else step)
        body.append(_x_label(edge if last else edge + step / 2, labels[i], i == 0, i == last))
    if legend:
        body.append(_legend(legend))
    description = (
        f"{sum(values)} in total over {len(values)} days; most on one day: {max([*values, 0])}."
    )
    return _frame(chart_id, title, description, body, kind="chart scales")


def heat_level(count: int) -> int:
    return 0 if count == 0 else 1 if count < 5 else 2 if count < 15 else 3 if count < 40 else 4


MONTH_LABEL = 22  # room a month's name takes at font size 9 ("May" is about 18 wide)


def _month_label(x: int, day: date, width: int) -> str:
    """A month's name over its first week; near the right edge it ends at the edge instead of
    starting there, so "Dec" in the last column is not cut to "De"."""
    if x + MONTH_LABEL > width:
        return (
            f'<text x="{width - 2}" y="10" text-anchor="end" font-size="9" fill="{MUTED}">'
            f"{month(day)}</text>"
        )
    return f'<text x="{x}" y="10" font-size="9" fill="{MUTED}">{month(day)}</text>'


def heatmap(chart_id: str, title: str, counts: dict[date, int], end: date, weeks: int = 53) -> str:
    """A year of study days: one square a day, columns are weeks (Monday on top)."""
    first, squares, empty = _heatmap_layout(end, weeks)
    # The year's layout is drawn once per `end`: a request fills in only the squares of the
    # days it has reviews on.
    cells = list(empty)
    active = total = 0
    last = len(cells) - 1
    for day, count in counts.items():
        offset = day.toordinal() - first
        if count and 0 <= offset <= last:
            active += 1
            total += count
            square, iso = squares[offset]
            colour = _HEAT_COLOURS[count] if count < 40 else HEAT[4]
            cells[offset] = (
                f'{square}{colour}" data-count="{count}"><title>'
                f"{iso}: {count} review(s)</title></rect>"
            )
    cell, gap = _HEAT_CELL, _HEAT_GAP
    start = date.fromordinal(first)
    description = (
        f"{total} reviews on {active} days between {start.isoformat()} and {end.isoformat()}."
    )
    body = [_HEAT_WEEKDAYS, *cells]
    width, height = _HEAT_LEFT + weeks * (cell + gap), _HEAT_TOP + 7 * (cell + gap)
    return _frame(chart_id, title, description, body, width=width, height=height)


_HEAT_CELL, _HEAT_GAP, _HEAT_LEFT, _HEAT_TOP = 11, 2, 28, 16
_HEAT_COLOURS = tuple(HEAT[heat_level(count)] for count in range(40))  # 40 and up: HEAT[4]
_HEAT_WEEKDAYS = "".join(
    f'<text x="0" y="{_HEAT_TOP + row * (_HEAT_CELL + _HEAT_GAP) + 9}" font-size="9" '
    f'fill="{MUTED}">{name}</text>'
    for name, row in (("Mon", 0), ("Wed", 2), ("Fri", 4))
)


@lru_cache(maxsize=8)
def _heatmap_layout(end: date, weeks: int):
    """The heatmap ending on `end`: its first day (a Monday, as an ordinal); each day's square
    up to its colour (after its month's name, on the first of a month) with the day in ISO
    form; and each day's whole square as drawn without reviews."""
    cell, gap, top, left = _HEAT_CELL, _HEAT_GAP, _HEAT_TOP, _HEAT_LEFT
    start = end - timedelta(days=end.weekday()) - timedelta(weeks=weeks - 1)
    squares, empty = [], []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        x = left + offset // 7 * (cell + gap)
        label = _month_label(x, day, left + weeks * (cell + gap)) if day.day == 1 else ""
        square = (
            f'{label}<rect x="{x}" y="{top + offset % 7 * (cell + gap)}" width="{cell}" '
            f'height="{cell}" rx="2" fill="'
        )
        iso = day.isoformat()
        squares.append((square, iso))
        empty.append(f'{square}{HEAT[0]}" data-count="0"><title>{iso}: 0 review(s)</title></rect>')
    return start.toordinal(), tuple(squares), tuple(empty)


def two_line_chart(
    chart_id: str,
    title: str,
    labels: Sequence[str],
    left: tuple[str, Sequence[float]],
    right: tuple[str, Sequence[float]],
    marked: int | None = None,
    description: str = "",
) -> str:
    """Two series over the same points, each on its own axis (left and right) with its own
    colour and a legend; `marked` draws a dashed line at one point (such as a suggestion)."""
    pad_right = 48
    plot_w = WIDTH - PAD_LEFT - pad_right
    top_pad = PAD_TOP + 16  # room for the legend
    plot_h = HEIGHT - top_pad - PAD_BOTTOM
    n = len(labels)

    def x(i: int) -> float:
        return PAD_LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    body = []
    for side, (name, values), colour in ((0, left, PRIMARY), (1, right, SECOND)):
        top = _nice_top(max([*values, 0]))
        anchor, axis_x = ("end", PAD_LEFT - 6) if side == 0 else ("start", WIDTH - pad_right + 6)
        for fraction in (0, 0.5, 1):
            y = top_pad + plot_h * (1 - fraction)
            if side == 0:
                body.append(
                    f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - pad_right}" y2="{y:.1f}" '
                    f'stroke="{GRID}" stroke-width="1"/>'
                )
            body.append(
                f'<text x="{axis_x}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="11" '
                f'fill="{colour}">{top * fraction:g}</text>'
            )
        points = [(x(i), top_pad + plot_h * (1 - v / top)) for i, v in enumerate(values)]
        dash = ' stroke-dasharray="6 3"' if side else ""
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
        )
        for (px, py), label, v in zip(points, labels, values, strict=True):
            body.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(label)}: {v:,.1f} {escape(name)}</title></circle>"
            )
        legend_x = PAD_LEFT + side * plot_w / 2
        body.append(
            f'<line x1="{legend_x:.1f}" y1="{PAD_TOP}" x2="{legend_x + 18:.1f}" y2="{PAD_TOP}" '
            f'stroke="{colour}" stroke-width="2"{dash}/>'
            f'<text x="{legend_x + 24:.1f}" y="{PAD_TOP + 4}" font-size="11" fill="{colour}">'
            f"{escape(name)}</text>"
        )
    for i, label in enumerate(labels):
        body.append(
            f'<text x="{x(i):.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    if marked is not None and 0 <= marked < n:
        body.append(
            f'<line x1="{x(marked):.1f}" y1="{top_pad}" x2="{x(marked):.1f}" '
            f'y2="{top_pad + plot_h}" stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="4 4" '
            f'class="marker"/>'
        )
    return _frame(chart_id, title, description, body)


def _nice_top(value: float) -> float:
    """A round axis maximum at or above `value`: 1, 2, 2.5 or 5 times a power of ten."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= value)


def calibration_chart(
    chart_id: str, title: str, bins: Sequence[tuple[float, float, int]], description: str
) -> str:
    """Predicted (x) against actual (y), both 0..1, one circle per bin (area grows with its
    count), and the diagonal where the two agree."""
    size = HEIGHT - PAD_TOP - PAD_BOTTOM
    left = PAD_LEFT

    def at(value: float) -> float:
        return max(0.0, min(1.0, value)) * size

    body = []
    for fraction in (0, 0.5, 1):
        offset = size * fraction
        body.append(
            f'<line x1="{left}" y1="{PAD_TOP + size - offset:.1f}" x2="{left + size}" '
            f'y2="{PAD_TOP + size - offset:.1f}" stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{PAD_TOP + size - offset + 4:.1f}" text-anchor="end" '
            f'font-size="11" fill="{MUTED}">{fraction:.0%}</text>'
            f'<text x="{left + offset:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{fraction:.0%}</text>'
        )
    body.append(
        f'<line x1="{left}" y1="{PAD_TOP + size}" x2="{left + size}" y2="{PAD_TOP}" '
        f'stroke="{MUTED}" stroke-width="1.5" stroke-dasharray="6 4" class="diagonal"/>'
    )
    largest = max([count for _, _, count in bins] or [1])
    for predicted, actual, count in bins:
        radius = 3 + 7 * math.sqrt(count / largest)
        body.append(
            f'<circle cx="{left + at(predicted):.1f}" cy="{PAD_TOP + size - at(actual):.1f}" '
            f'r="{radius:.1f}" fill="{PRIMARY}" fill-opacity="0.7">'
            f"<title>predicted {predicted:.0%}, actual {actual:.0%} ({count} attempts)</title>"
            f"</circle>"
        )
    legend_x = left + size + 24
    body.append(
        f'<text x="{legend_x}" y="{PAD_TOP + 12}" font-size="11" fill="{MUTED}">'
        "Across: predicted score</text>"
        f'<text x="{legend_x}" y="{PAD_TOP + 28}" font-size="11" fill="{MUTED}">'
        "Up: actual score</text>"
        f'<text x="{legend_x}" y="{PAD_TOP + 44}" font-size="11" fill="{MUTED}">'
        "Dashed: where they agree</text>"
    )
    return _frame(chart_id, title, description, body)


def histogram(
    chart_id: str, title: str, counts: Sequence[int], labels: Sequence[str], description: str
) -> str:
    """Touching bars, one per range (labelled under it), each with its count above it."""
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT
    plot_h = HEIGHT - PAD_TOP - PAD_BOTTOM - 14  # room for the counts above the bars
    top = _nice_top(max([*counts, 1]))
    step = plot_w / max(1, len(counts))
    body = []
    for fraction in (0, 0.5, 1):
        y = PAD_TOP + 14 + plot_h * (1 - fraction)
        body.append(
            f'<line x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="{MUTED}">{top * fraction:g}</text>'
        )
    for i, (count, label) in enumerate(zip(counts, labels, strict=True)):
        h = plot_h * count / top
        x, y = PAD_LEFT + i * step, PAD_TOP + 14 + plot_h - h
        body.append(
            f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(1.0, step - 2):.1f}" '
            f'height="{h:.1f}" fill="{PRIMARY}"><title>{escape(label)}: {count}</title></rect>'
            f'<text x="{x + step / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
        if count:
            body.append(
                f'<text x="{x + step / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle" '
                f'font-size="11" fill="{MUTED}">{count}</text>'
            )
    return _frame(chart_id, title, description, body)
