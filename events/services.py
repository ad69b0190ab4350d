"""Events business rules: organizer event management, ticket types, seat maps, catalogue.

Services take keyword arguments, run in a transaction and raise `DomainError` subclasses
with a message an organizer can act on. `TicketType.held` / `sold` are only *read* here
(tickets.inventory changes them); capacity never drops below sold + held.
"""

import re
from datetime import datetime, time, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
)
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Concat
from django.utils import timezone
from django.utils.text import slugify

from events import cache, covers
from events.models import Category, Event, Organizer, Seat, SeatSection, TicketType, Venue
from getiickets.errors import DomainError

MAX_SEATS_PER_EVENT = 10_000
MAX_ROWS_PER_SECTION = 200
MAX_SEATS_PER_ROW = 200
# The catalogue counts this many events at most ("1,000+ events").
CATALOGUE_COUNT_CAP = 1000


class EventError(DomainError):
    """This change to the event is not allowed."""


class CannotPublish(EventError):
    """The event cannot be published yet."""


class CapacityTooLow(EventError):
    """Capacity cannot drop below the tickets already sold or held."""


class TicketTypeInUse(EventError):
    """This ticket type has sales, holds or seats and cannot be removed."""


class SeatMapError(EventError):
    """This change to the seat map is not allowed."""


class SeatsInUse(SeatMapError):
    """Some of these seats are held or sold."""


# --- Events -----------------------------------------------------------------------


def unique_slug(title: str, *, exclude_pk=None) -> str:
    base = (slugify(title) or "event")[:200]
    slug, n = base, 2
    taken = Event.objects.exclude(pk=exclude_pk) if exclude_pk else Event.objects.all()
    while taken.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return slug


def _resolve_venue(*, organizer: Organizer, venue: Venue | None, new_venue: dict | None):
    if venue is not None:
        return venue
    if not new_venue:
        raise EventError("Choose a venue or add a new one.")
    found = Venue.objects.filter(
        Q(organizer=organizer) | Q(organizer__isnull=True),
        name__iexact=new_venue["name"],
        city__iexact=new_venue["city"],
    ).first()
    return found or Venue.objects.create(organizer=organizer, **new_venue)


def _check_times(starts_at, ends_at):
    if starts_at and ends_at and ends_at <= starts_at:
        raise EventError("The event must end after it starts.")


def _store_cover(cover_image) -> str:
    """Upload a new cover before the transaction that names it: S3 is never called with a
    transaction open (getiickets/external.py). Returns the stored name, or ""."""
    if not cover_image:
        return ""
    field = Event._meta.get_field("cover_image")
    name = field.generate_filename(None, cover_image.name)
    return field.storage.save(name, cover_image, max_length=field.max_length)


def _with_stored_cover(cover_image, write):
    """`write(cover_name)` in a transaction, the cover uploaded first (removed if it fails)."""
    cover = _store_cover(cover_image)
    try:
        with transaction.atomic():
            return write(cover)
    except BaseException:
        if cover:
            Event._meta.get_field("cover_image").storage.delete(cover)
        raise


def create_event(
    *,
    organizer: Organizer,
    title: str,
    description: str,
    category: Category,
    starts_at: datetime,
    ends_at: datetime,
    venue: Venue | None = None,
    new_venue: dict | None = None,
    seating: str = Event.Seating.GENERAL,
    cover_image=None,
    fee_mode: str = Event.FeeMode.PASS_TO_BUYER,
) -> Event:
    _check_times(starts_at, ends_at)

    def write(cover: str) -> Event:
        event = Event(
            organizer=organizer,
            title=title,
            slug=unique_slug(title),
            description=description,
            category=category,
            venue=_resolve_venue(organizer=organizer, venue=venue, new_venue=new_venue),
            starts_at=starts_at,
            ends_at=ends_at,
            seating=seating,
            fee_mode=fee_mode,
            status=Event.Status.DRAFT,
        )
        if cover:
            event.cover_image = cover
        event.save()
        if cover:
            covers.schedule_variants(event)
        return event

    return _with_stored_cover(cover_image, write)


def update_event(
    *,
    event: Event,
    venue: Venue | None = None,
    new_venue: dict | None = None,
    cover_image=None,
    remove_cover_image: bool = False,
    **changes,
) -> Event:
    def write(cover: str) -> Event:
        locked = Event.objects.select_for_update().get(pk=event.pk)
        if locked.status == Event.Status.CANCELLED:
            raise EventError("A cancelled event can no longer be edited.")
        new_seating = changes.get("seating", locked.seating)
        if new_seating != locked.seating:
            _check_seating_change(event=locked, seating=new_seating)
        for field, value in changes.items():
            setattr(locked, field, value)
        _check_times(locked.starts_at, locked.ends_at)
        locked.venue = _resolve_venue(organizer=locked.organizer, venue=venue, new_venue=new_venue)
        if cover:
            locked.cover_image, locked.cover_variants = cover, {}
            covers.schedule_variants(locked)
        elif remove_cover_image:
            locked.cover_image, locked.cover_variants = "", {}
        locked.save()
        if locked.is_reserved_seating:
            sync_capacities(event=locked)
        return locked

    return _with_stored_cover(cover_image, write)


def _check_seating_change(*, event: Event, seating: str):
    types = event.ticket_types.all()
    if any(t.sold or t.held for t in types):
        raise EventError("Seating cannot change once tickets are sold or held.")
    if seating == Event.Seating.GENERAL and event.seats.exists():
        raise EventError("Delete the seat map before switching to general admission.")


@transaction.atomic
def publish_event(*, event: Event) -> Event:
    event = Event.objects.select_for_update().select_related("organizer").get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise CannotPublish("A cancelled event cannot be published again.")
    if not event.organizer.profile_complete:
        raise CannotPublish(
            "Complete your business details (Business details page) before publishing."
        )
    types = list(event.ticket_types.all())
    if not types:
        raise CannotPublish("Add at least one ticket type before publishing.")
    if event.is_reserved_seating and not any(t.capacity for t in types):
        raise CannotPublish("Build the seat map and assign price bands before publishing.")
    if event.ends_at <= timezone.now():
        raise CannotPublish("This event has already ended.")
    event.status = Event.Status.PUBLISHED
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def unpublish_event(*, event: Event) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status != Event.Status.PUBLISHED:
        raise EventError("Only a published event can be unpublished.")
    if event.ticket_types.filter(Q(sold__gt=0) | Q(held__gt=0)).exists():
        raise EventError("Tickets are already sold or held; cancel the event instead.")
    event.status = Event.Status.DRAFT
    event.save(update_fields=["status", "updated_at"])
    return event


@transaction.atomic
def cancel_event(*, event: Event) -> Event:
    """Cancel: the status changes here; `event_cancelled`, sent inside this transaction, lets
    payments queue the refunds and tickets write each buyer's notice, all committed with it."""
    from events.signals import event_cancelled

    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise EventError("This event is already cancelled.")
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status", "updated_at"])
    event_cancelled.send(sender=Event, event=event)
    return event


# --- Ticket types -----------------------------------------------------------------

TICKET_TYPE_FIELDS = (
    "name",
    "description",
    "price_kobo",
    "capacity",
    "sales_start",
    "sales_end",
    "min_per_order",
    "max_per_order",
    "is_visible",
    "is_transferable",
    "position",
)


def _check_ticket_fields(values: dict):
    if values.get("price_kobo") is not None and values["price_kobo"] < 0:
        raise EventError("Price can't be negative.")
    if values.get("capacity") is not None and values["capacity"] < 0:
        raise EventError("Capacity can't be negative.")
    start, end = values.get("sales_start"), values.get("sales_end")
    if start and end and end <= start:
        raise EventError("Sales must end after they start.")
    lo, hi = values.get("min_per_order", 1), values.get("max_per_order", 10)
    if lo < 1 or hi < lo:
        raise EventError("The maximum per order must be at least the minimum (and ≥ 1).")


@transaction.atomic
def add_ticket_type(*, event: Event, **values) -> TicketType:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise EventError("A cancelled event can no longer be edited.")
    values = {k: v for k, v in values.items() if k in TICKET_TYPE_FIELDS}
    if event.is_reserved_seating:
        values["capacity"] = 0  # follows the seat map
    _check_ticket_fields(values)
    if "position" not in values:
        values["position"] = event.ticket_types.count()
    return TicketType.objects.create(event=event, **values)


@transaction.atomic
def update_ticket_type(*, ticket_type: TicketType, **values) -> TicketType:
    tt = TicketType.objects.select_for_update().select_related("event").get(pk=ticket_type.pk)
    if tt.event.status == Event.Status.CANCELLED:
        raise EventError("A cancelled event can no longer be edited.")
    values = {k: v for k, v in values.items() if k in TICKET_TYPE_FIELDS}
    if tt.event.is_reserved_seating:
        values.pop("capacity", None)  # follows the seat map
    merged = {f: values.get(f, getattr(tt, f)) for f in TICKET_TYPE_FIELDS}
    _check_ticket_fields(merged)
    taken = tt.sold + tt.held
    if merged["capacity"] < taken:
        raise CapacityTooLow(
            f"Capacity can't be lower than the {taken:,} tickets already sold or held."
        )
    for field, value in values.items():
        setattr(tt, field, value)
    tt.save()
    return tt


@transaction.atomic
def delete_ticket_type(*, ticket_type: TicketType) -> None:
    tt = TicketType.objects.select_for_update().get(pk=ticket_type.pk)
    if tt.sold or tt.held:
        raise TicketTypeInUse(
            f"“{tt.name}” has tickets sold or held, so it can't be removed. "
            "Hide it instead to stop sales."
        )
    if tt.seats.exists():
        raise TicketTypeInUse(
            f"Seats are assigned to “{tt.name}”. Move them to another price band first."
        )
    try:
        with transaction.atomic():
            tt.delete()
    except ProtectedError as exc:  # holds or orders keep a protected link to it
        raise TicketTypeInUse(f"“{tt.name}” is used by past orders; hide it instead.") from exc


# --- Catalogue --------------------------------------------------------------------


def catalogue_queryset():
    """Published events that have not ended, with venue, category and their ticket types
    (one more query, whatever the page size). What is left of each comes from the
    inventory's read model (`with_summaries`); take a page of ids first
    (`catalogue_listing`, `events_by_ids`)."""
    types = TicketType.objects.order_by("position", "price_kobo", "pk")
    return (
        Event.objects.published()
        .upcoming()
        .select_related("venue", "category")
        .prefetch_related(Prefetch("ticket_types", queryset=types))
        .order_by("starts_at", "pk")
    )


def with_summaries(events):
    """Put `min_price` (cheapest visible ticket still to be had), `min_listed_price` and
    `remaining` on each event, from the availability read model and its prefetched types."""
    from tickets.inventory.availability import summarize

    for event in events:
        summary = summarize(event.ticket_types.all())
        event.min_price = summary.from_kobo
        event.min_listed_price = summary.listed_from_kobo
        event.remaining = summary.remaining
    return events


def catalogue_listing():
    """What the catalogue filters, counts and pages: published upcoming events, no joins or
    aggregates, in the order of the (status, starts_at) index."""
    return Event.objects.published().upcoming().order_by("starts_at", "pk")


def order_by_price(queryset):
    """Cheapest visible ticket first (a correlated subquery: no GROUP BY over the list)."""
    cheapest = (
        TicketType.objects.filter(event=OuterRef("pk"), is_visible=True)
        .order_by("price_kobo")
        .values("price_kobo")[:1]
    )
    return queryset.annotate(listed_from=Subquery(cheapest)).order_by(
        F("listed_from").asc(nulls_last=True), "starts_at", "pk"
    )


def events_by_ids(ids) -> list[Event]:
    """The page's events with availability, in the order of `ids` (two queries)."""
    ids = list(ids)
    found = {e.pk: e for e in catalogue_queryset().filter(pk__in=ids)}
    return with_summaries([found[pk] for pk in ids if pk in found])


def featured_events(limit: int = 6) -> list[Event]:
    """Featured upcoming events for the home page (cached with the catalogue)."""
    return cache.get_shared(
        f"featured:{limit}",
        lambda: events_by_ids(
            catalogue_listing().filter(is_featured=True).values_list("pk", flat=True)[:limit]
        ),
    )


class CappedCount(Subquery):
    """The number of rows of a (sliced) subquery: `COUNT(*)` over at most its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def catalogue_categories() -> list[Category]:
    """Categories with their number of upcoming published events (home page, filters),
    counted up to CATALOGUE_COUNT_CAP + 1 each from the (category, status, ends_at) index."""

    def build():
        upcoming = (
            Event.objects.published()
            .upcoming()
            .filter(category=OuterRef("pk"))
            .order_by()
            .values("pk")[: CATALOGUE_COUNT_CAP + 1]
        )
        return list(Category.objects.annotate(upcoming_count=CappedCount(upcoming)))

    return cache.get_shared("categories", build)


def catalogue_cities() -> list[str]:
    """Cities with an upcoming published event: each venue asks the (venue, status, ends_at)
    index for one such event, instead of a DISTINCT over every upcoming event."""

    def build():
        upcoming_here = Event.objects.published().upcoming().filter(venue=OuterRef("pk"))
        return sorted(
            set(
                Venue.objects.filter(Exists(upcoming_here))
                .order_by()
                .values_list("city", flat=True)
                .distinct()
            )
        )

    return cache.get_shared("cities", build)


_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def search(queryset, text: str):
    """Full-text search (PostgreSQL, GIN-indexed, prefix matches); icontains elsewhere."""
    words = _WORD.findall(text or "")[:8]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        query = SearchQuery(
            " & ".join(f"{w}:*" for w in words), search_type="raw", config="english"
        )
        return queryset.filter(search_document=query).annotate(
            rank=SearchRank(F("search_document"), query)
        )
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word)
            | Q(description__icontains=word)
            | Q(venue__name__icontains=word)
            | Q(venue__city__icontains=word)
        )
    return queryset


def date_window(when: str, *, now=None):
    """(start, end) in Africa/Lagos for today / weekend / month, or None."""
    now = timezone.localtime(now)
    today = now.date()

    def local(d, t=time.min):
        return timezone.make_aware(datetime.combine(d, t))

    if when == "today":
        return local(today), local(today + timedelta(days=1))
    if when == "weekend":
        # Friday evening to the end of Sunday; on a weekend day, the current one.
        friday = today + timedelta(days=(4 - today.weekday()) % 7)
        if today.weekday() >= 5:
            friday = today - timedelta(days=today.weekday() - 4)
        start = max(local(friday, time(17, 0)), now)
        return start, local(friday + timedelta(days=3))
    if when == "month":
        first_next = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
        return now, local(first_next)
    return None


def overlapping(queryset, start, end):
    if start is not None:
        queryset = queryset.filter(ends_at__gt=start)
    if end is not None:
        queryset = queryset.filter(starts_at__lt=end)
    return queryset


def event_detail_data(slug: str):
    """Everything the event page shows, in two queries: the event and its ticket types."""
    visible = TicketType.objects.filter(is_visible=True).order_by("position", "price_kobo", "pk")
    event = (
        Event.objects.public()
        .select_related("venue", "category", "organizer")
        .prefetch_related(Prefetch("ticket_types", queryset=visible, to_attr="visible_types"))
        .filter(slug=slug)
        .first()
    )
    if event is None:
        return None
    return detail_context(event)


def detail_context(event: Event) -> dict:
    from tickets.inventory.availability import summarize

    types = getattr(event, "visible_types", None)
    if types is None:
        types = list(event.ticket_types.filter(is_visible=True))
    summary = summarize(types)
    return {
        "event": event,
        "ticket_types": types,
        "min_price": summary.from_kobo,
        "remaining": summary.remaining,
        "sold_out": bool(types) and summary.sold_out,
    }


# --- Seat maps --------------------------------------------------------------------


def row_label(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA, 27 → AB ... (spreadsheet style)."""
    label = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        label = chr(65 + rest) + label
    return label


def _lock_event(event: Event) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise SeatMapError("A cancelled event can no longer be edited.")
    if not event.is_reserved_seating:
        raise SeatMapError("Switch the event to reserved seating to build a seat map.")
    return event


def _live_claims(seats):
    from tickets.models import SeatClaim

    return SeatClaim.objects.filter(
        seat__in=seats, state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
    )


def _event_ticket_type(event: Event, ticket_type) -> TicketType:
    pk = getattr(ticket_type, "pk", ticket_type)
    tt = TicketType.objects.filter(event=event, pk=pk).first()
    if tt is None:
        raise SeatMapError("Choose a price band (a ticket type of this event).")
    return tt


def sync_capacities(*, event: Event) -> None:
    """Reserved seating: each ticket type's capacity = its non-blocked seats.

    Runs inside the caller's transaction with the ticket types locked; refuses to go below
    what is sold or held.
    """
    types = list(TicketType.objects.select_for_update().filter(event=event).order_by("pk"))
    counts = dict(
        Seat.objects.filter(event=event, is_blocked=False)
        .values("ticket_type")
        .annotate(n=Count("pk"))
        .values_list("ticket_type", "n")
    )
    for tt in types:
        wanted = counts.get(tt.pk, 0)
        if wanted == tt.capacity:
            continue
        taken = tt.sold + tt.held
        if wanted < taken:
            raise CapacityTooLow(
                f"“{tt.name}” would have {wanted:,} seats but {taken:,} tickets are already "
                "sold or held."
            )
        TicketType.objects.filter(pk=tt.pk).update(capacity=wanted)
    cache.bump_event(event.pk)


@transaction.atomic
def generate_section(
    *, event: Event, name: str, rows: int, seats_per_row: int, ticket_type
) -> SeatSection:
    """A new section of `rows` × `seats_per_row` seats (rows A, B, ... AA; seats 1..n)."""
    event = _lock_event(event)
    name = (name or "").strip()
    if not name:
        raise SeatMapError("Give the section a name.")
    if not (1 <= rows <= MAX_ROWS_PER_SECTION and 1 <= seats_per_row <= MAX_SEATS_PER_ROW):
        raise SeatMapError(
            f"Use 1–{MAX_ROWS_PER_SECTION} rows and 1–{MAX_SEATS_PER_ROW} seats per row."
        )
    existing = Seat.objects.filter(event=event).count()
    if existing + rows * seats_per_row > MAX_SEATS_PER_EVENT:
        raise SeatMapError(f"A seat map can have at most {MAX_SEATS_PER_EVENT:,} seats.")
    if SeatSection.objects.filter(event=event, name__iexact=name).exists():
        raise SeatMapError(f"There is already a section called “{name}”.")
    tt = _event_ticket_type(event, ticket_type)
    top = Seat.objects.filter(event=event).order_by("-y").values_list("y", flat=True).first()
    y0 = 0 if top is None else top + 3  # a gap for the next section's name
    position = SeatSection.objects.filter(event=event).count()
    with cache.batched_bumps():
        section = SeatSection.objects.create(event=event, name=name, position=position)
        seats = []
        for r in range(rows):
            label = row_label(r)
            for n in range(1, seats_per_row + 1):
                seats.append(
                    Seat(
                        event=event,
                        section=section,
                        ticket_type=tt,
                        row_label=label,
                        number=str(n),
                        label=f"{name}-{label}{n}",
                        x=n - 1,
                        y=y0 + r,
                    )
                )
        try:
            with transaction.atomic():
                Seat.objects.bulk_create(seats, batch_size=1000)
        except IntegrityError as exc:
            raise SeatMapError("Seat labels would clash with existing seats.") from exc
        sync_capacities(event=event)
    return section


@transaction.atomic
def rename_section(*, event: Event, section_id: int, name: str) -> SeatSection:
    event = _lock_event(event)
    section = SeatSection.objects.filter(event=event, pk=section_id).first()
    if section is None:
        raise SeatMapError("That section is not part of this seat map.")
    name = (name or "").strip()
    if not name:
        raise SeatMapError("Give the section a name.")
    if SeatSection.objects.filter(event=event, name__iexact=name).exclude(pk=section.pk).exists():
        raise SeatMapError(f"There is already a section called “{name}”.")
    with cache.batched_bumps():
        section.name = name
        section.save(update_fields=["name"])
        try:
            with transaction.atomic():
                section.seats.update(label=Concat(Value(f"{name}-"), "row_label", "number"))
        except IntegrityError as exc:
            raise SeatMapError("Seat labels would clash with other seats.") from exc
        cache.bump_event(event.pk, listing=False)
    return section


@transaction.atomic
def rename_row(*, event: Event, section_id: int, old_label: str, new_label: str) -> int:
    event = _lock_event(event)
    section = SeatSection.objects.filter(event=event, pk=section_id).first()
    if section is None:
        raise SeatMapError("That section is not part of this seat map.")
    new_label = (new_label or "").strip().upper()
    if not new_label or len(new_label) > 8:
        raise SeatMapError("A row label has 1–8 characters.")
    if new_label != old_label and section.seats.filter(row_label=new_label).exists():
        raise SeatMapError(f"Row {new_label} already exists in {section.name}.")
    try:
        with transaction.atomic():
            changed = section.seats.filter(row_label=old_label).update(
                row_label=new_label,
                label=Concat(Value(f"{section.name}-{new_label}"), "number"),
            )
    except IntegrityError as exc:
        raise SeatMapError("Seat labels would clash with other seats.") from exc
    if not changed:
        raise SeatMapError(f"There is no row {old_label} in {section.name}.")
    cache.bump_event(event.pk, listing=False)
    return changed


def _select_seats(event: Event, seat_ids=(), section_id=None, rows=()):
    seats = Seat.objects.filter(event=event)
    selection = Q(pk__in=[int(s) for s in seat_ids]) if seat_ids else Q(pk__in=[])
    if section_id and rows:
        selection |= Q(section_id=section_id, row_label__in=[r.strip().upper() for r in rows])
    return seats.filter(selection)


def _refuse_claimed(seats, verb: str):
    claimed = list(_live_claims(seats).values_list("seat__label", flat=True)[:5])
    if claimed:
        raise SeatsInUse(f"Seats already held or sold can't be {verb}: {', '.join(claimed)}.")


@transaction.atomic
def set_seats_blocked(*, event: Event, blocked: bool, seat_ids=(), section_id=None, rows=()):
    event = _lock_event(event)
    seats = _select_seats(event, seat_ids, section_id, rows)
    if blocked:
        _refuse_claimed(seats, "blocked")
    changed = seats.update(is_blocked=blocked)
    if not changed:
        raise SeatMapError("Select seats or rows first.")
    sync_capacities(event=event)
    return changed


@transaction.atomic
def assign_price_band(*, event: Event, ticket_type, seat_ids=(), section_id=None, rows=()):
    event = _lock_event(event)
    tt = _event_ticket_type(event, ticket_type)
    seats = _select_seats(event, seat_ids, section_id, rows)
    moving = seats.exclude(ticket_type=tt)
    _refuse_claimed(moving, "moved to another price band")
    changed = moving.update(ticket_type=tt)
    if not changed and not seats.exists():
        raise SeatMapError("Select seats or rows first.")
    sync_capacities(event=event)
    return changed


@transaction.atomic
def delete_seats(*, event: Event, seat_ids=(), section_id=None, rows=()):
    event = _lock_event(event)
    seats = _select_seats(event, seat_ids, section_id, rows)
    _refuse_claimed(seats, "deleted")
    if not seats.exists():
        raise SeatMapError("Select seats or rows first.")
    with cache.batched_bumps():
        deleted = seats.count()
        _delete_seats_quietly(seats)
        sync_capacities(event=event)
    return deleted


@transaction.atomic
def delete_section(*, event: Event, section_id: int) -> None:
    event = _lock_event(event)
    section = SeatSection.objects.filter(event=event, pk=section_id).first()
    if section is None:
        raise SeatMapError("That section is not part of this seat map.")
    _refuse_claimed(section.seats.all(), "deleted")
    with cache.batched_bumps():
        _delete_seats_quietly(section.seats.all())
        section.delete()
        sync_capacities(event=event)


def _delete_seats_quietly(seats):
    """Delete seats (the caller wraps this in batched_bumps: one cache bump, not thousands).

    Released claims (history of lapsed holds) go first so the PROTECT link allows it.
    """
    from tickets.models import SeatClaim

    SeatClaim.objects.filter(seat__in=seats, state=SeatClaim.State.RELEASED).delete()
    seats.delete()


def seat_rows(event: Event):
    """One query: every seat with its claim state, as tuples for the SVG renderer."""
    from tickets.models import SeatClaim

    claimed = SeatClaim.objects.filter(
        seat=OuterRef("pk"), state__in=[SeatClaim.State.HELD, SeatClaim.State.SOLD]
    )
    return list(
        Seat.objects.filter(event=event)
        .annotate(claimed=Exists(claimed))
        .order_by("y", "x")
        .values_list(
            "pk",
            "section_id",
            "row_label",
            "number",
            "x",
            "y",
            "is_blocked",
            "ticket_type_id",
            "claimed",
        )
    )
