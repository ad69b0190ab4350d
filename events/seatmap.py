"""Seat map SVG, built as one string from one query's tuples (fast for 5,000 seats).

Each seat is a `<use>` of one small symbol; classes give its price band (b0..b7),
blocked (blk) and held/sold (clm) state; `data-id` lets static/js/seatmap-builder.js select it.
Row labels carry data-section/data-row so a click selects the whole row.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe

UNIT = 14  # px per grid step
SEAT = 11  # px seat size
LEFT = 44  # room for row labels
TOP = 3  # grid rows above the first section: the stage, then its name
BANDS = 8


def band_classes(ticket_types) -> dict[int, str]:
    return {tt.pk: f"b{i % BANDS}" for i, tt in enumerate(ticket_types)}


def render_svg(*, seats, sections, ticket_types, label: str = "Seat map") -> str:
    """`seats`: tuples from services.seat_rows; `sections`: SeatSection list."""
    if not seats:
        return ""
    bands = band_classes(ticket_types)
    names = {s.pk: s.name for s in sections}
    max_x = max(s[4] for s in seats)
    # Centre each section under the stage.
    section_width = {}
    for seat in seats:
        section_width[seat[1]] = max(section_width.get(seat[1], 0), seat[4])
    shift = {sid: (max_x - w) * UNIT // 2 for sid, w in section_width.items()}
    max_y = max(s[5] for s in seats)
    width = LEFT * 2 + (max_x + 1) * UNIT
    height = (max_y + TOP + 2) * UNIT
    out = [
        f'<svg class="seatmap-svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width} {height}" role="img" '
        # Small maps grow to fill the panel (up to 2×); big ones scroll at natural size.
        f'style="min-width:{width}px;max-width:{width * 2}px" '
        f'aria-label="{escape(label)}">',
        f'<defs><symbol id="seat" viewBox="0 0 {SEAT} {SEAT}">'
        f'<rect width="{SEAT}" height="{SEAT}" rx="3"/></symbol></defs>',
        f'<text class="stage" x="{width // 2}" y="{UNIT + 2}" text-anchor="middle">STAGE</text>',
    ]
    seen_sections, seen_rows = set(), set()
    for pk, section_id, row, number, x, y, blocked, tt_id, claimed in seats:
        gy = (y + TOP) * UNIT
        left = LEFT + shift[section_id]
        if section_id not in seen_sections:
            seen_sections.add(section_id)
            out.append(
                f'<text class="section-name" x="{left}" y="{gy - 6}">'
                f"{escape(names.get(section_id, ''))}</text>"
            )
        row_key = (section_id, row)
        if row_key not in seen_rows:
            seen_rows.add(row_key)
            erow = escape(row)
            out.append(
                f'<text class="row-label" x="{left - 8}" y="{gy + SEAT - 1}" '
                f'text-anchor="end" data-section="{section_id}" data-row="{erow}">{erow}</text>'
            )
        cls = bands.get(tt_id, "b0")
        if blocked:
            cls += " blk"
        if claimed:
            cls += " clm"
        out.append(
            f'<use href="#seat" x="{left + x * UNIT}" y="{gy}" width="{SEAT}" height="{SEAT}" '
            f'class="{cls}" data-id="{pk}" data-s="{section_id}" data-r="{escape(row)}" '
            f'data-n="{escape(number)}"/>'
        )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 - every dynamic value above is escaped
