"""What the ticket selector and the seat map show: built from `event` (and the request).

Used by the views and by the `{% ticket_selector_data %}` tag, so the event page can
include "tickets/_selector.html" with nothing but `event` and `request` in its context. The
same short memories of availability and seats let the hold views refuse most of an on-sale
crowd without the gate (`refusal_from_memory`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils import dateformat, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from events.models import Event, Seat, TicketType
from getiickets.errors import DomainError
from tickets import gate, memory, services
from tickets.memory import ShortMemory
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
    return f"{url}?hold={hold.pk}" if hold is not None else url


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

    @property
    def badge_class(self) -> str:
        if self.sold_out:
            return "badge-danger"
        return "badge-warning" if not self.on_sale or self.low else "badge-success"

    @property
    def badge_text(self) -> str:
        if self.sold_out:
            return "Sold out"
        if self.not_yet:
            starts = dateformat.format(
                timezone.localtime(self.ticket_type.sales_start), "D j M, g:i A"
            )
            return f"On sale from {starts}"
        if not self.on_sale:
            return "Sales ended"
        return f"Only {self.available} left" if self.low else "Available"


@dataclass(frozen=True)
class SelectorUrls:
    """Where the selector's forms post and poll (reversed once per event and process: the
    page is read by the whole on-sale crowd and a {% url %} tag costs as much as a row)."""

    hold: str
    hold_seats: str
    status: str


_urls: ShortMemory[SelectorUrls] = ShortMemory(seconds=None)


def selector_urls(event: Event) -> SelectorUrls:
    slug = event.slug
    return _urls.get(
        (get_urlconf() or settings.ROOT_URLCONF, slug),
        lambda: SelectorUrls(
            hold=reverse("tickets:hold", args=[slug]),
            hold_seats=reverse("tickets:hold_seats", args=[slug]),
            status=reverse("tickets:availability", args=[slug]) + "?part=status",
        ),
    )


@dataclass
class Selector:
    event: Event
    rows: list[Row]
    seat_map: str = ""
    seat_count: int = 0
    bands: list[dict] = field(default_factory=list)
    error: str = ""
    chosen_seats: list[int] = field(default_factory=list)
    map_url: str = ""
    urls: SelectorUrls | None = None

    @property
    def ga_rows(self):
        return [r for r in self.rows if not r.seated]

    @property
    def hold_minutes(self) -> int:
        return max(settings.HOLD_SECONDS // 60, 1)

    @property
    def on_sale(self) -> bool:
        return self.event.status == Event.Status.PUBLISHED and self.event.ends_at > timezone.now()

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


def visible_types(event: Event) -> list[TicketType]:
    """The event's ticket types as the selector lists them."""
    types = [t for t in services.ticket_types_of(event.pk).values() if t.is_visible]
    types.sort(key=lambda t: (t.position, t.price_kobo, t.pk))
    return types


def build(
    event: Event,
    request=None,
    *,
    error: str = "",
    posted: dict | None = None,
    include_map: bool = True,
    sweep: bool = True,
    recent: bool = False,
) -> Selector:
    """`recent`: availability may be up to half a second old (the answers to the refused
    crowd, which would otherwise read the counters again on every request)."""
    if sweep:
        services.sweep_event(event)  # lazy expiry, at most once every few seconds
    types = visible_types(event)
    ids = [t.pk for t in types]
    available = recent_availability(event.pk, ids) if recent else current_availability(ids)
    pending = posted if posted is not None else pending_selection(request, event)
    quantities = {int(k): int(v) for k, v in (pending.get("quantities") or {}).items()}
    chosen_seats = [int(s) for s in pending.get("seats") or []]
    seated_ids = services.seated_type_ids(event.pk) if event.is_reserved_seating else set()
    rows = [
        Row(t, available.get(t.pk, 0), t.pk in seated_ids, quantities.get(t.pk, 0)) for t in types
    ]
    selector = Selector(event=event, rows=rows, error=error, chosen_seats=chosen_seats)
    if seated_ids and include_map:
        selector.seat_map, selector.bands, selector.seat_count = seat_map(event, types)
    selector.urls = selector_urls(event)
    selector.map_url = selector.urls.hold if seated_ids else ""
    return selector


def current_availability(ticket_type_ids) -> dict[int, int]:
    """Tickets left per type: the gate's counters when it has them, else the database.

    A missing counter is rebuilt (once) so the next reader gets it from Redis too: the
    selector is read by the whole crowd and must not hit the stock rows on every request."""
    counters = gate.counters(ticket_type_ids)
    out = {pk: max(v, 0) for pk, v in (counters or {}).items() if v is not None}
    missing = [pk for pk in ticket_type_ids if pk not in out]
    if counters is not None and missing:
        out.update({pk: max(v, 0) for pk, v in (gate.rebuild_many(missing) or {}).items()})
        missing = [pk for pk in missing if pk not in out]
    if missing:
        for pk, capacity, held, sold in TicketType.objects.filter(pk__in=missing).values_list(
            "pk", "capacity", "held", "sold"
        ):
            out[pk] = max(capacity - held - sold, 0)
    return out


_recent: ShortMemory[dict[int, int]] = ShortMemory(seconds=0.5)


def recent_availability(event_id: int, ticket_type_ids: list[int]) -> dict[int, int]:
    """current_availability, shared for half a second per process (read again at once after
    a release or expiry in this process)."""
    key = (event_id, services.local_stock_version(event_id), tuple(ticket_type_ids))
    return _recent.get(key, lambda: current_availability(ticket_type_ids))


def live_seats(event: Event) -> set[int]:
    """Seats held (and not lapsed) or sold: one query."""
    return set(
        SeatClaim.objects.filter(
            hold__event=event, state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
        )
        .exclude(state=SeatClaim.State.HELD, hold__expires_at__lte=timezone.now())
        .values_list("seat_id", flat=True)
    )


@dataclass(frozen=True)
class SeatState:
    """The seats of a map a buyer cannot pick (held, sold, or blocked by the organizer) and
    those still free, each also joined as "1,2,3" for the answers to lost seat races."""

    unavailable: frozenset[int]
    free: frozenset[int]
    unavailable_list: str
    free_list: str


# The map and the state of its seats are shared for a second per process.
_maps: ShortMemory[tuple[str, list, int]] = ShortMemory(seconds=1.0, size=50)
_seat_states: ShortMemory[SeatState] = ShortMemory(seconds=1.0, size=50)


def seat_state(event: Event) -> SeatState:
    """The event's SeatState (one query, once a second per process, and again at once after
    a release or expiry in this process)."""

    def read():
        live = live_seats(event)
        seats = services.seat_catalogue(event.pk)
        free = frozenset(seats.bookable.keys() - live)
        unavailable = frozenset(live | seats.blocked)
        return SeatState(
            unavailable=unavailable,
            free=free,
            unavailable_list=",".join(map(str, sorted(unavailable))),
            free_list=",".join(map(str, sorted(free))),
        )

    return _seat_states.get((event.pk, services.local_stock_version(event.pk)), read)


def refusal_from_memory(
    event: Event, *, quantities: dict | None = None, seat_ids: list[int] | None = None
) -> DomainError | None:
    """The answer to a hold request that this process's recent view of the event already
    refuses (SeatTaken: a seat is held or sold; SoldOut: fewer tickets left than asked), or
    None when the request might succeed, or is wrong in some other way, and must go through
    the gate.

    In an on-sale rush most of the crowd asks for what is already gone; this answers them
    from memory at most a second old, with no session, Redis or database. A seat or ticket
    freed in that second may be refused once to someone: the next answer shows it. Nothing
    is ever granted from memory. Not for a buyer whose own hold may be what is missing (a
    new selection replaces it): the views send those through the gate.

    Once a second per process and event, a request that memory would refuse goes to the gate
    anyway: the gate's "sold out" is what releases lapsed holds (lazy expiry) and heals a
    counter left short, and that must go on while the crowd is answered from here."""
    refusal = _refusal_from_memory(event, quantities=quantities, seat_ids=seat_ids)
    if refusal is None or _gate_due(event.pk):
        return None
    return refusal


# Seats this process saw taken (won, or lost at the gate) since its last look at the map:
# {event id: (the SeatState they are newer than, seat ids)}. In the second between two looks
# the crowd converges on the few seats the last look showed free.
_seen_taken: dict[int, tuple[SeatState, set[int]]] = {}
memory.register(_seen_taken.clear)


def note_seats_taken(event: Event, seat_ids) -> None:
    """Seats just held by someone: refused from memory until the next look at the map."""
    state = seat_state(event)
    noted = _seen_taken.get(event.pk)
    if noted is None or noted[0] is not state:
        noted = _seen_taken[event.pk] = (state, set())
    noted[1].update(seat_ids)


def _taken_since_last_look(event: Event, state: SeatState) -> set[int]:
    noted = _seen_taken.get(event.pk)
    return noted[1] if noted is not None and noted[0] is state else set()


_last_sent_to_gate: dict[int, float] = {}
memory.register(_last_sent_to_gate.clear)


def _gate_due(event_id: int) -> bool:
    now = time.monotonic()
    if now - _last_sent_to_gate.get(event_id, 0.0) < 1.0:
        return False
    _last_sent_to_gate[event_id] = now
    return True


def _refusal_from_memory(event, *, quantities, seat_ids) -> DomainError | None:
    # Anything else wrong with the request (sales closed, order or account limits, seats
    # that cannot be booked) is for the gate's path to say, with its own message.
    try:
        if seat_ids is not None:
            seat_ids, wanted = services.seat_selection(event=event, seat_ids=seat_ids)
        else:
            wanted, _types = services.ticket_selection(event=event, quantities=quantities or {})
    except DomainError:
        return None
    if services.account_limit_applies(sum(wanted.values())):
        return None
    if seat_ids is not None:
        state = seat_state(event)
        taken = _taken_since_last_look(event, state)
        if any(s in state.unavailable or s in taken for s in seat_ids):
            return services.SeatTaken()
        return None
    available = recent_availability(event.pk, [t.pk for t in visible_types(event)])
    types = services.ticket_types_of(event.pk)
    for pk, n in wanted.items():
        if available.get(pk, 0) < n:
            return services.SoldOut(services.sold_out_message(types[pk]))
    return None


def seats_left_to_tell(event: Event, *, lost: int | None = None) -> tuple[str, str]:
    """What a refused seat hold tells the page's map: ("taken", "1,2,3") or ("free", ...),
    whichever list is shorter (late in an on-sale most seats are gone, and buyers are on
    phones). `lost`: a seat just lost; it and the others this process saw taken since its
    last look at the map are told too. The lists are joined once a second, not per refusal
    (the crowd that loses reads them thousands of times); only those few seats are added or
    taken out per answer."""
    state = seat_state(event)
    newer = _taken_since_last_look(event, state) | ({lost} if lost is not None else set())
    if len(state.free) < len(state.unavailable):
        if not newer & state.free:
            return "free", state.free_list
        return "free", ",".join(str(s) for s in sorted(state.free - newer))
    extra = sorted(newer - state.unavailable)
    if not extra:
        return "taken", state.unavailable_list
    joined = ",".join(map(str, extra))
    return "taken", f"{state.unavailable_list},{joined}" if state.unavailable_list else joined


def seat_map(event: Event, types: list[TicketType]):
    """The rendered SVG (shared by everyone for a second per process), legend, seat count."""

    def draw():
        seat_rows = list(
            Seat.objects.filter(event=event)
            .values_list("pk", "section__name", "row_label", "number", "x", "y", "ticket_type_id")
            .order_by("section__position", "section_id", "y", "x", "pk")
        )
        unavailable = seat_state(event).unavailable
        svg, bands = render_seat_map(seat_rows, unavailable, {t.pk: t for t in types})
        return svg, bands, len(seat_rows)

    return _maps.get(event.pk, draw)


def render_seat_map(seat_rows, taken: set[int], types: dict):
    """A compact SVG: one <circle> per seat; sections as labelled groups.

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
    width = max(p[1] for p in placed) - min_x + 40
    height = max(p[2] for p in placed) - min_y + 40
    out = [
        f'<svg class="seatmap-svg" viewBox="0 0 {width:.0f} {height + 30:.0f}" '
        f'width="{width:.0f}" height="{height + 30:.0f}" '
        f'role="group" aria-label="Seat map" data-seatmap>'
        f'<text x="{width / 2:.0f}" y="14" class="stage" text-anchor="middle">STAGE</text>'
    ]
    append = out.append
    section = None
    rows_escaped: dict[str, str] = {}
    for r, px, py in placed:
        pk, section_name, row_label, number, _x, _y, tt_id = r
        if section_name != section:
            if section is not None:
                append("</g>")
            section = section_name
            append(f'<g role="group" aria-label="Section {escape(section_name)}">')
        row = rows_escaped.get(row_label)
        if row is None:
            row = rows_escaped[row_label] = escape(row_label)
        if pk in taken:
            append(
                f'<circle cx="{px - min_x + 20:.0f}" cy="{py - min_y + 40:.0f}" r="8" '
                f'class="s b{bands.get(tt_id, 0)} x" data-id="{pk}" '
                f'aria-label="Row {row} seat {escape(number)}, taken"/>'
            )
        else:
            append(
                f'<circle cx="{px - min_x + 20:.0f}" cy="{py - min_y + 40:.0f}" r="8" '
                f'class="s b{bands.get(tt_id, 0)}" data-id="{pk}" '
                f'aria-label="Row {row} seat {escape(number)}"/>'
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
    return mark_safe("".join(out)), legend  # noqa: S308 - every value above is escaped
