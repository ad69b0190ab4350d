"""Analytics axes stay readable: x labels never run into each other, whatever the number of
days or hours, and the first and last are always shown."""

import re
from datetime import date, timedelta

import pytest

from organizer import charts


def _labels_drawn(svg: str):
    return [
        (float(x), anchor, text)
        for x, anchor, text in re.findall(
            r'<text x="([\d.]+)" y="\d+" text-anchor="(start|middle|end)" font-size="14" '
            r'fill="[^"]+">([^<]+)</text>',
            svg,
        )
        if re.fullmatch(r"\d\d \w\w\w|\d\d:\d\d", text)
    ]


@pytest.mark.parametrize("days", [2, 3, 7, 9, 14, 30, 44, 45, 46, 60, 90])
def test_date_labels_never_overlap(days):
    start = date(2026, 11, 1)
    x = [start + timedelta(days=i) for i in range(days)]
    svg = charts.line_chart(
        title="Sales", x=x, series=[charts.Series("Tickets", list(range(1, days + 1)))]
    )
    drawn = _labels_drawn(str(svg))
    assert drawn[0][2] == x[0].strftime("%d %b") and drawn[-1][2] == x[-1].strftime("%d %b")
    spans = []
    for left_x, anchor, text in drawn:
        width = len(text) * charts.LABEL_CHAR_WIDTH
        left = {"start": left_x, "middle": left_x - width / 2, "end": left_x - width}[anchor]
        spans.append((left, left + width))
    for (_, right), (left, _) in zip(spans, spans[1:], strict=False):
        assert left >= right + charts.LABEL_GAP, (days, drawn)
