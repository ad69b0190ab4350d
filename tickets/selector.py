"""What the ticket selector and the seat map show: built from `event` (and the request).

Used by the views and by the `{% ticket_selector_data %}` tag, so the event page can
include "tickets/_selector.html" with nothing but `event` and `request` in its context.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from events.models import Event, Seat, TicketType
from getiickets.templatetags.money import format_naira
from tickets import services
from tickets.models import SeatClaim

LOW_STOCK = 10
SESSION_KEY = "pending_selection"


def event_url(event: Event) -> str:
    try:
        return reverse("events:detail", kwargs={"slug": event.slug})
    except NoReverseMatch:
        return f"/events/{event.slug}"


def checkout_url(hold=None) -> str:
    try:
        url = reverse("orders:checkout")
    except NoReverseMatch:
        url = "/checkout"
    return url


@dataclass
class Row:
    ticket_type: TicketType
    available: int
    seated: bool
    chosen: int = 0

    @property
    def pk(self):
        return self.ticket_type.pk

    @property
    def on_sale(self) -> bool:
        now = timezone.now()
        t = self.ticket_type
        return not (t.sales_start and now < t.sales_start) and not (
            t.sales_end and now >= t.sales_end
        )

    @property
    def not_yet(self) -> bool:
        t = self.ticket_type
        return bool(t.sales_start and timezone.now() < t.sales_start)

    @property
    def sold_out(self) -> bool:
        return self.available <= 0

    @property
    def low(self) -> bool:
        return 0 < self.available <= LOW_STOCK

    @property
    def choices(self) -> list[int]:
        t = self.ticket_type
        top = min(t.max_per_order, self.available)
        if top < t.min_per_order:
            return [0]
        return [0, *range(t.min_per_order, top + 1)]


@dataclass
class Selector:
    event: Event
    rows: list[Row]
    seat_map: str = ""
    seat_count: int = 0
    bands: list[dict] = field(default_factory=list)
    error: str = ""
    chosen_seats: list[int] = field(default_factory=list)

    @property
    def ga_rows(self):
        return [r for r in self.rows if not r.seated]

    @property
    def hold_minutes(self) -> int:
        from django.conf import settings

        return max(settings.HOLD_SECONDS // 60, 1)

    @property
    def on_sale(self) -> bool:
        return self.event.status == Event.Status.PUBLISHED and self.event.ends_at > timezone.now()


def pending_selection(request, event: Event) -> dict:
    if request is None or not hasattr(request, "session"):
        return {}
    pending = request.session.get(SESSION_KEY) or {}
    return pending if pending.get("event") == event.slug else {}


def build(event: Event, request=None, *, error: str = "", posted: dict | None = None) -> Selector:
    types = services.availability(event=event)
    pending = posted if posted is not None else pending_selection(request, event)
    quantities = {int(k): int(v) for k, v in (pending.get("quantities") or {}).items()}
    chosen_seats = [int(s) for s in pending.get("seats") or []]
    seat_rows = []
    if event.is_reserved_seating:
        seat_rows = list(
            Seat.objects.filter(event=event)
            .values_list("pk", "section__name", "row_label", "number", "x", "y", "ticket_type_id")
            .order_by("section__position", "section_id", "y", "x", "pk")
        )
    seated_ids = {r[6] for r in seat_rows}
    rows = [Row(t, t.available, t.pk in seated_ids, quantities.get(t.pk, 0)) for t in types]
    selector = Selector(event=event, rows=rows, error=error, chosen_seats=chosen_seats)
    if seat_rows:
        taken = live_seats(event)
        selector.seat_map, selector.bands = render_seat_map(
            seat_rows, taken, {t.pk: t for t in types}, set(chosen_seats)
        )
        selector.seat_count = len(seat_rows)
    return selector


def live_seats(event: Event) -> set[int]:
    """Seats held (and not lapsed) or sold: one query."""
    return set(
        SeatClaim.objects.filter(
            hold__event=event, state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
        )
        .exclude(state=SeatClaim.State.HELD, hold__expires_at__lte=timezone.now())
        .values_list("seat_id", flat=True)
    )


def render_seat_map(seat_rows, taken: set[int], types: dict, chosen: set[int]):
    """A compact SVG: one <circle> per seat; sections as labelled groups.

    Built as a string (a template loop is too slow for 5,000 seats). Roles, tabindex and
    aria-checked are added by seatmap.js (roving focus); aria-labels are server-side.
    """
    bands = {}
    for tt_id in sorted({r[6] for r in seat_rows}, key=lambda i: (types[i].price_kobo, i)):
        if tt_id in types:
            bands[tt_id] = len(bands) % 6
    # Layout: use the builder's x/y when set; otherwise a grid by section, row and order.
    use_xy = any(r[4] or r[5] for r in seat_rows)
    placed = []
    if use_xy:
        xs = sorted({r[4] for r in seat_rows})
        steps = [b - a for a, b in zip(xs, xs[1:], strict=False) if b > a]
        pitch = min(steps) if steps else 20
        scale = 20 / pitch
        for r in seat_rows:
            placed.append((r, r[4] * scale, r[5] * scale))
    else:
        y = 0
        current_section = current_row = None
        x = 0
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
    width = max(p[1] for p in placed) - min_x + 40
    height = max(p[2] for p in placed) - min_y + 40
    out = [
        f'<svg class="seatmap-svg" viewBox="0 0 {width:.0f} {height + 30:.0f}" '
        f'role="group" aria-label="Seat map" data-seatmap>'
        f'<text x="{width / 2:.0f}" y="14" class="stage" text-anchor="middle">STAGE</text>'
    ]
    section = None
    for r, px, py in placed:
        pk, section_name, row_label, number, _x, _y, tt_id = r
        if section_name != section:
            if section is not None:
                out.append("</g>")
            section = section_name
            out.append(f'<g role="group" aria-label="Section {escape(section_name)}">')
        state = " x" if pk in taken else (" on" if pk in chosen else "")
        t = types.get(tt_id)
        price = format_naira(t.price_kobo) if t else ""
        out.append(
            f'<circle cx="{px - min_x + 20:.0f}" cy="{py - min_y + 40:.0f}" r="8" '
            f'class="s b{bands.get(tt_id, 0)}{state}" data-id="{pk}" data-t="{tt_id}" '
            f'aria-label="{escape(section_name)} row {escape(row_label)} seat {escape(number)}'
            f', {price}{", taken" if pk in taken else ""}"/>'
        )
    if section is not None:
        out.append("</g>")
    out.append("</svg>")
    legend = [
        {
            "band": band,
            "tt": tt_id,
            "name": types[tt_id].name,
            "price_kobo": types[tt_id].price_kobo,
        }
        for tt_id, band in bands.items()
    ]
    return mark_safe("".join(out)), legend  # noqa: S308 - every value above is escaped
