"""Server-rendered SVG charts: no JavaScript, readable on a phone, accessible.

Each chart is an <svg role="img"> with a <title> and a <desc> that says the key figures in
words, axes with round tick values, and values formatted as ₦ when they are money.
Everything drawn comes from our own numbers; text is escaped anyway.
"""

import math
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from getiickets.datetimes import format_when
from getiickets.templatetags.money import format_naira


def _chart_id() -> str:
    """Unique in any page: a cached chart can sit next to one drawn now in another process."""
    return f"chart-{secrets.token_hex(4)}"


WIDTH = 400
BRAND = "#0b6e4f"
ACCENT = "#e0a526"
GRID = "#e3e7e5"
INK = "#25302b"
MUTED = "#5f6b66"


def compact_naira(kobo: float) -> str:
    """Axis labels: ₦0, ₦2.5k, ₦120k, ₦1.2M."""
    naira = kobo / 100
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(naira) >= limit:
            text = f"{naira / limit:.1f}".rstrip("0").rstrip(".")
            return f"₦{text}{suffix}"
    return f"₦{naira:,.0f}"


def compact_number(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"{value / 1_000_000:.1f}".rstrip("0").rstrip(".") + "M"
    if abs(value) >= 10_000:
        return f"{value / 1_000:.1f}".rstrip("0").rstrip(".") + "k"
    return f"{value:,.0f}"


def nice_ticks(maximum: float, target: int = 4) -> list[float]:
    """Round tick values 0..≥maximum with a 1/2/2.5/5 × 10^k step."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / target
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * magnitude
        if step >= raw:
            break
    if step < 1 and maximum >= 1:
        step = 1
    top = math.ceil(maximum / step) * step
    return [round(i * step, 6) for i in range(int(round(top / step)) + 1)]


def _label(value, money: bool) -> str:
    return compact_naira(value) if money else compact_number(value)


def _full(value, money: bool) -> str:
    return format_naira(int(value)) if money else f"{int(value):,}"


def _x_label(x) -> str:
    if isinstance(x, datetime):
        return format_when(x, "time")
    if isinstance(x, date):
        return x.strftime("%d %b")
    return str(x)


LABEL_CHAR_WIDTH = 8.5  # a 14px system-ui digit or letter, in viewBox units
LABEL_GAP = 10


def x_label_positions(n: int, labels: list[str], px) -> list[tuple[int, str]]:
    """Which x labels to draw and their anchors: the first and the last always, others
    evenly spaced, dropping any whose text would run into its neighbour."""
    if n == 0:
        return []
    every = max(1, math.ceil(n / 4))
    wanted = sorted(set(range(0, n, every)) | {n - 1})

    def anchor(i):
        return "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"

    def extent(i):
        width = len(labels[i]) * LABEL_CHAR_WIDTH
        x, a = px(i), anchor(i)
        return (
            (x, x + width)
            if a == "start"
            else (x - width, x)
            if a == "end"
            else (
                x - width / 2,
                x + width / 2,
            )
        )

    kept: list[int] = []
    last = wanted[-1]
    for i in wanted:
        if kept and extent(i)[0] < extent(kept[-1])[1] + LABEL_GAP:
            if i != last:
                continue
            while kept and extent(i)[0] < extent(kept[-1])[1] + LABEL_GAP:
                kept.pop()  # the last label wins over the one before it
        kept.append(i)
    return [(i, anchor(i)) for i in kept]


@dataclass
class Series:
    name: str
    values: list
    colour: str = BRAND
    area: bool = True


def _frame(chart_id, title, desc, height, body) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f"{body}</svg>"
    )


def empty_chart(title: str, message: str = "No data yet.") -> str:
    """Nothing to draw: a sentence reads better than empty axes."""
    return format_html('<p class="ops-chart-empty" role="note">{}</p>', message)


def line_chart(
    *,
    title: str,
    x: list,
    series: list[Series],
    money: bool = False,
    height: int = 280,
    unit: str = "",
    empty: str = "No data yet.",
) -> str:
    """Lines over a shared x axis (dates or hours); the first series may be shaded."""
    if not x or not series or not any(any(s.values) for s in series):
        return empty_chart(title, empty)
    chart_id = _chart_id()
    left, right, top, bottom = 54, 14, 36, 34
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    maximum = max(max(s.values) for s in series)
    ticks = nice_ticks(maximum)
    y_max = ticks[-1] or 1
    n = len(x)

    def px(i):
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def py(v):
        return top + plot_h - plot_h * v / y_max

    parts = []
    for tick in ticks:
        y = py(tick)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{left - 8}" y="{y + 5:.1f}" text-anchor="end" font-size="14" '
            f'fill="{MUTED}">{escape(_label(tick, money))}</text>'
        )
    # x labels: at most ~5, always the first and the last, never touching each other
    for i, anchor in x_label_positions(n, [_x_label(v) for v in x], px):
        parts.append(
            f'<text x="{px(i):.1f}" y="{height - bottom + 20}" text-anchor="{anchor}" '
            f'font-size="14" fill="{MUTED}">{escape(_x_label(x[i]))}</text>'
        )
    parts.append(
        f'<line x1="{left}" x2="{WIDTH - right}" y1="{top + plot_h}" y2="{top + plot_h}" '
        f'stroke="{INK}" stroke-width="1"/>'
    )
    for s in series:
        points = [(px(i), py(v)) for i, v in enumerate(s.values)]
        path = " ".join(f"{x_:.1f},{y_:.1f}" for x_, y_ in points)
        if s.area and n > 1:
            parts.append(
                f'<polygon points="{points[0][0]:.1f},{top + plot_h} {path} '
                f'{points[-1][0]:.1f},{top + plot_h}" fill="{s.colour}" fill-opacity="0.12"/>'
            )
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5" '
            f'stroke-linejoin="round" stroke-linecap="round"/>'
        )
        if n <= 45:
            for (x_, y_), label, v in zip(points, x, s.values, strict=True):
                parts.append(
                    f'<circle cx="{x_:.1f}" cy="{y_:.1f}" r="3.5" fill="#fff" '
                    f'stroke="{s.colour}" stroke-width="2"><title>{escape(_x_label(label))}: '
                    f"{escape(_full(v, money))}{escape(unit)}</title></circle>"
                )
    # legend
    lx = left
    for s in series:
        parts.append(
            f'<rect x="{lx}" y="11" width="16" height="5" rx="2" fill="{s.colour}" />'
            f'<text x="{lx + 22}" y="18" font-size="14" fill="{INK}">{escape(s.name)}</text>'
        )
        lx += 40 + 8 * len(s.name)
    first = series[0]
    desc = (
        f"{first.name} from {_x_label(x[0])} to {_x_label(x[-1])}: "
        f"peak {_full(max(first.values), money)}, latest {_full(first.values[-1], money)}."
    )
    return mark_safe(_frame(chart_id, title, desc, height, "".join(parts)))  # noqa: S308


def bar_chart(
    *,
    title: str,
    labels: list[str],
    values: list,
    money: bool = False,
    notes: list[str] | None = None,
    colour: str = BRAND,
    empty: str = "No data yet.",
) -> str:
    """Horizontal bars, one per label, the value written at the end of each bar."""
    if not labels or not any(values):
        return empty_chart(title, empty)
    chart_id = _chart_id()
    row_h, gap, top = 30, 14, 10
    label_w = 92
    value_w = 124
    plot_w = WIDTH - label_w - value_w
    height = top + len(labels) * (row_h + gap) + 6
    maximum = max(values) or 1
    parts = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (row_h + gap)
        w = max(plot_w * value / maximum, 2 if value else 0)
        short = label if len(label) <= 11 else label[:10] + "…"
        note = f" · {notes[i]}" if notes and notes[i] else ""
        parts.append(
            f'<text x="{label_w - 10}" y="{y + row_h / 2 + 5:.1f}" text-anchor="end" '
            f'font-size="15" fill="{INK}">{escape(short)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{row_h}" rx="4" '
            f'fill="#f1f4f2"/>'
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{row_h}" rx="4" '
            f'fill="{colour}"><title>{escape(label)}: {escape(_full(value, money))}'
            f"{escape(note)}</title></rect>"
            f'<text x="{label_w + plot_w + 8}" y="{y + row_h / 2 + 5:.1f}" font-size="15" '
            f'font-weight="600" fill="{INK}">{escape(_full(value, money))}</text>'
        )
    best = labels[values.index(max(values))]
    desc = "; ".join(f"{label}: {_full(v, money)}" for label, v in zip(labels, values, strict=True))
    desc = f"Highest: {best}. {desc}."
    return mark_safe(_frame(chart_id, title, desc, height, "".join(parts)))  # noqa: S308


def progress_ring(*, title: str, done: int, total: int) -> str:
    """A ring showing admitted of valid tickets, the percentage in the middle."""
    chart_id = _chart_id()
    size, r = 180, 70
    circumference = 2 * math.pi * r
    fraction = (done / total) if total else 0
    dash = circumference * fraction
    percent = round(fraction * 100)
    arc = (
        f'<circle cx="{size / 2}" cy="{size / 2}" r="{r}" fill="none" stroke="{BRAND}" '
        f'stroke-width="18" stroke-linecap="{"round" if fraction < 1 else "butt"}" '
        f'stroke-dasharray="{dash:.1f} {circumference:.1f}" '
        f'transform="rotate(-90 {size / 2} {size / 2})"/>'
        if done
        else ""
    )
    body = (
        f'<circle cx="{size / 2}" cy="{size / 2}" r="{r}" fill="none" stroke="#e8ecea" '
        f'stroke-width="18"/>{arc}'
        f'<text x="{size / 2}" y="{size / 2 + 2}" text-anchor="middle" font-size="32" '
        f'font-weight="700" fill="{INK}">{percent}%</text>'
        f'<text x="{size / 2}" y="{size / 2 + 26}" text-anchor="middle" font-size="13" '
        f'fill="{MUTED}">{done:,} of {total:,}</text>'
    )
    desc = f"{done} of {total} valid tickets checked in ({percent}%)."
    svg = _frame(chart_id, title, desc, size, body).replace(
        f'viewBox="0 0 {WIDTH} {size}"', f'viewBox="0 0 {size} {size}"'
    )
    return mark_safe(svg.replace('class="chart"', 'class="chart chart-ring"'))  # noqa: S308
