"""What the ticket selector and the seat map show, built for one request from the
inventory's availability read model (tickets.inventory.of_event). Used by the views and by
the `{% ticket_selector_data %}` tag, so the event page can include
"tickets/_selector.html" with nothing but `event` and `request` in its context."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe

from events import cache as event_cache
from events.models import Event, Seat, seat_place
from tickets import inventory
from tickets.inventory import waiting_room

SESSION_KEY = "pending_selection"


def event_url(event: Event) -> str:
    return reverse("events:detail", kwargs={"slug": event.slug})


def checkout_url(hold=None) -> str:
    url = reverse("orders:checkout")
    return f"{url}?hold={hold.pk}" if hold is not None else url


@dataclass
class Selector:
    event: Event
    rows: list[inventory.Row]
    on_sale: bool
    seat_map: str = ""
    seat_count: int = 0
    bands: list[dict] = field(default_factory=list)
    error: str = ""
    chosen_seats: list[int] = field(default_factory=list)
    # The map's sections [{id, name, seats, free}] for the section picker; and, when the page
    # asked for one (?section=<id>, the picker's link without JavaScript), that section's
    # seats as a plain form: {name, rows: [(row, [(pk, number, taken, band, place)])]}.
    seat_sections: list[dict] = field(default_factory=list)
    section_list: dict | None = None
    map_url: str = ""
    queue_url: str = ""  # the waiting room is on and this buyer has no pass yet
    urls: dict = field(default_factory=dict)

    @property
    def ga_rows(self):
        return [r for r in self.rows if not r.seated]

    @property
    def chosen_off_list(self) -> list[int]:
        """Chosen seats the listed section's checkboxes do not carry (kept as hidden inputs)."""
        if not self.section_list:
            return self.chosen_seats
        listed = {seat[0] for _, seats in self.section_list["rows"] for seat in seats}
        return [pk for pk in self.chosen_seats if pk not in listed]

    @property
    def hold_minutes(self) -> int:
        return max(settings.HOLD_SECONDS // 60, 1)

    @property
    def sold_out(self) -> bool:
        """Nothing left of any ticket type: the page offers the waitlist instead."""
        return bool(self.rows) and all(row.sold_out for row in self.rows)

    @property
    def waitlist_url(self) -> str:
        return reverse("waitlist:join")


def pending_selection(request, event: Event) -> dict:
    if request is None or not hasattr(request, "session"):
        return {}
    pending = request.session.get(SESSION_KEY) or {}
    return pending if pending.get("event") == event.slug else {}


def is_personal(request, slug: str) -> bool:
    """Whether this visitor's selector differs from everyone's (so the event page is not
    served from or stored in the shared cache): a selection kept for them, or a
    waiting-room pass (checked by its cookie's name alone)."""
    prefix = waiting_room.PASS_COOKIE.format("")
    if any(name.startswith(prefix) for name in request.COOKIES):
        return True
    pending = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return bool(pending) and pending.get("event") == slug


def build(
    event: Event, request=None, *, error: str = "", posted: dict | None = None, include_map=True
) -> Selector:
    pending = posted if posted is not None else pending_selection(request, event)
    chosen = {int(k): int(v) for k, v in (pending.get("quantities") or {}).items()}
    stock = inventory.of_event(event, chosen=chosen)
    selector = Selector(
        event=event,
        rows=stock.rows,
        on_sale=stock.on_sale,
        error=error,
        chosen_seats=[int(s) for s in pending.get("seats") or []],
        urls={
            "hold": reverse("tickets:hold", args=[event.slug]),
            "hold_seats": reverse("tickets:hold_seats", args=[event.slug]),
            "status": reverse("tickets:availability", args=[event.slug]) + "?part=status",
        },
    )
    if stock.seated and include_map:
        drawn = seat_map(event, section=asked_section(request))
        selector.seat_map, selector.bands, selector.seat_count = drawn.svg, drawn.bands, drawn.count
        selector.seat_sections, selector.section_list = drawn.sections, drawn.section_list
    selector.map_url = selector.urls["hold"] if stock.seated else ""
    if request is not None and waiting_room.must_queue(request, event):
        selector.queue_url = reverse("tickets:queue", args=[event.slug])
    return selector


def asked_section(request) -> int | None:
    raw = request.GET.get("section", "") if request is not None else ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


@dataclass
class DrawnMap:
    svg: str
    bands: list[dict]
    sections: list[dict]
    count: int
    section_list: dict | None = None


def seat_map(event: Event, *, section: int | None = None) -> DrawnMap:
    """The rendered SVG, its legend, its sections and the seat count; with `section`, that
    section's seats listed for a buyer without JavaScript. The layout is drawn once per
    event version (events.cache); only the seats taken are read on every call."""
    layout = event_cache.event_fragment(event.pk, "seatmap", lambda: draw_layout(event))
    seat_rows, bands = layout["seats"], layout["bands"]
    taken = inventory.unavailable_seats(event)
    sections: dict[int, dict] = {}
    for r in seat_rows:
        entry = sections.setdefault(r[7], {"id": r[7], "name": r[1], "seats": 0, "free": 0})
        entry["seats"] += 1
        entry["free"] += r[0] not in taken
    drawn = DrawnMap(with_taken(layout, taken), bands, list(sections.values()), len(seat_rows))
    if section in sections:
        band_of = {b["tt"]: b["band"] for b in bands}
        listed: dict[str, list] = {}
        for r in seat_rows:
            if r[7] == section:
                place = seat_place(r[1], r[2], r[3])
                seat = (r[0], r[3], r[0] in taken, band_of.get(r[6]), place)
                listed.setdefault(r[2], []).append(seat)
        drawn.section_list = {"name": sections[section]["name"], "rows": list(listed.items())}
    return drawn


def draw_layout(event: Event) -> dict:
    """The event's seats and their map with every seat free: the SVG in pieces, the piece
    of each seat's circle (`circle`: seat id -> index), the legend (plain data: cached).
    Reads its rows itself, after the cache read the event's version."""
    types = {t.pk: t for t in event.ticket_types.filter(is_visible=True)}
    seat_rows = list(
        Seat.objects.filter(event=event)
        .values_list(
            "pk", "section__name", "row_label", "number", "x", "y", "ticket_type_id", "section_id"
        )
        .order_by("section__position", "section_id", "y", "x", "pk")
    )
    parts, circle, bands = render_seat_map(seat_rows, types)
    return {"seats": seat_rows, "parts": parts, "circle": circle, "bands": bands}


def with_taken(layout: dict, taken) -> str:
    """The layout's SVG with the seats in `taken` drawn taken (greyed, labelled so)."""
    parts, circle = layout["parts"], layout["circle"]
    if taken:
        parts = parts.copy()
        for pk in taken:
            index = circle.get(pk)
            if index is not None:  # a free seat's circle ends class="s bN" ... aria-label="..."/>
                free = parts[index]
                parts[index] = free.replace('" data-id=', ' x" data-id=', 1)[:-3] + ', taken"/>'
    return mark_safe("".join(parts))  # noqa: S308 - escaped when drawn


def render_seat_map(seat_rows, types: dict):
    """A compact SVG, every seat free, in pieces: one <circle> per seat (its piece's index
    in `circle`); sections as labelled groups.

    Built as a string (a template loop is too slow for 5,000 seats). Roles, tabindex and
    aria-checked are added by seatmap.js (roving focus); aria-labels are server-side.
    """
    bands = {}
    for tt_id in sorted(
        {r[6] for r in seat_rows if r[6] in types}, key=lambda i: (types[i].price_kobo, i)
    ):
        bands[tt_id] = len(bands) % 6
    # Layout: use the builder's x/y when set; otherwise a grid by section, row and order.
    placed = []
    if any(r[4] or r[5] for r in seat_rows):
        xs = sorted({r[4] for r in seat_rows})
        steps = [b - a for a, b in zip(xs, xs[1:], strict=False) if b > a]
        scale = 20 / (min(steps) if steps else 20)
        placed = [(r, r[4] * scale, r[5] * scale) for r in seat_rows]
    else:
        y, x = 0, 0
        current_section = current_row = None
        for r in seat_rows:
            if r[1] != current_section:
                y += 40 if current_section is not None else 0
                current_section, current_row, x = r[1], None, 0
            if r[2] != current_row:
                if current_row is not None:
                    y += 20
                current_row, x = r[2], 0
            placed.append((r, x * 20, y))
            x += 1
    min_x = min(p[1] for p in placed)
    min_y = min(p[2] for p in placed)
    min_x -= 16  # room for the row labels
    width = max(p[1] for p in placed) - min_x + 40
    height = max(p[2] for p in placed) - min_y + 40
    out = [
        f'<svg class="seatmap-svg" viewBox="0 0 {width:.0f} {height + 30:.0f}" '
        f'width="{width:.0f}" height="{height + 30:.0f}" '
        f'role="group" aria-label="Seat map" data-seatmap>'
        f'<text x="{width / 2:.0f}" y="14" class="stage" text-anchor="middle">STAGE</text>'
    ]
    append = out.append
    circle: dict[int, int] = {}
    section = None
    where = ""
    labelled_rows: set[tuple[str, str]] = set()
    for r, px, py in placed:
        pk, section_name, row_label, number, _x, _y, tt_id, section_id = r
        cx, cy = px - min_x + 20, py - min_y + 40
        if section_name != section:
            if section is not None:
                append("</g>")
            section = section_name
            where = escape(section_name)
            append(f'<g role="group" aria-label="Section {where}" data-section="{section_id}">')
            append(f'<text x="{cx - 10:.0f}" y="{cy - 13:.0f}" class="section-name">{where}</text>')
        row = escape(row_label)
        if (section_name, row_label) not in labelled_rows:
            labelled_rows.add((section_name, row_label))
            append(
                f'<text x="{cx - 12:.0f}" y="{cy + 3:.0f}" class="row-label" '
                f'text-anchor="end" aria-hidden="true">{row}</text>'
            )
        label = escape(seat_place(section_name, row_label, number))
        circle[pk] = len(out)
        append(
            f'<circle cx="{cx:.0f}" cy="{cy:.0f}" r="8" '
            f'class="s b{bands.get(tt_id, 0)}" data-id="{pk}" aria-label="{label}"/>'
        )
    if section is not None:
        append("</g>")
    append("</svg>")
    legend = [
        {
            "band": band,
            "tt": tt_id,
            "name": types[tt_id].name,
            "price_kobo": types[tt_id].price_kobo,
        }
        for tt_id, band in bands.items()
    ]
    return out, circle, legend  # every value above is escaped
