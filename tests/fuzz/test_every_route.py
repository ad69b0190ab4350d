"""Property-based boundary tests: every route of the URLconf, fuzzed.

For each route of `django.urls.get_resolver()` (the admin only at its sign-in and index),
hypothesis draws a role (anonymous, buyer, organizer), a method, path parameters (the ids
and references of a small world of real rows, or hostile values), a query string and a POST
body. Query keys come from the view module's source (`.get("key")`) and its FilterSets; POST
fields from the form classes the view module uses, filled with valid values and then one to
three of them replaced by hostile ones (NUL and control characters, 10 KB digit strings,
2**63, year-1 dates, ...), or a JSON body of any shape. Every answer must be below 500, and a
4xx must have written nothing (row counts of every table of the project unchanged), and
what a POST got accepted must not break the owners' pages afterwards (a year-1 date did).

Examples every run tries whatever hypothesis draws (`_explicit_examples`) give the reported
classes deterministic coverage; the drawn ones explore around them. CI cost: the explicit
examples plus `GT_FUZZ_EXAMPLES` drawn ones per route (default 10, twice that for routes
with forms): over ~145 routes, 80 s of CPU in the test process (7 minutes of wall time on
the shared, heavily loaded 2-core machine). Set it higher to search
longer."""

import inspect
import json
import os
import re
import sys
from urllib.parse import quote, urlencode

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import got_request_exception
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from tests.factories import (
    EventFactory,
    OrganizerFactory,
    PromoCodeFactory,
    SeatFactory,
    SeatSectionFactory,
    TicketTypeFactory,
    UserFactory,
    paid_order_with_tickets,
)

pytestmark = [pytest.mark.django_db, pytest.mark.needs_services]

EXAMPLES = int(os.environ.get("GT_FUZZ_EXAMPLES", "10"))
PROJECT_APPS = ("accounts", "events", "tickets", "orders", "payments", "organizer", "getiickets")
ADMIN_ROUTES = {"admin/", "admin/login/"}


# --- the routes -------------------------------------------------------------------------


def _walk(resolver, prefix=""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _routes():
    out = []
    for route, entry in _walk(get_resolver()):
        if route.startswith("admin/") and route not in ADMIN_ROUTES:
            continue
        out.append((route, entry))
    return out


ROUTES = _routes()
PARAM_RE = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>|\(\?P<(?P<rname>\w+)>[^)]*\)")


def _view_module(entry):
    callback = inspect.unwrap(entry.callback)
    view_class = getattr(entry.callback, "view_class", None)
    return sys.modules.get((view_class or callback).__module__)


def _forms_of(module) -> list[type[forms.BaseForm]]:
    if module is None:
        return []
    found = []
    for value in vars(module).values():
        if inspect.isclass(value) and issubclass(value, forms.BaseForm):
            found.append(value)
        elif inspect.ismodule(value) and value.__name__.split(".")[0] in PROJECT_APPS:
            found += [
                v
                for v in vars(value).values()
                if inspect.isclass(v)
                and issubclass(v, forms.BaseForm)
                and v.__module__ == value.__name__
            ]
    return [f for f in found if f.__module__.split(".")[0] in PROJECT_APPS + ("allauth",)]


def _forms_of_view(entry) -> list[type[forms.BaseForm]]:
    """The form classes the view names in its own source (or its class's form_class)."""
    view_class = getattr(entry.callback, "view_class", None)
    if view_class is not None:
        form_class = getattr(view_class, "form_class", None)
        return [form_class] if form_class else []
    function = inspect.unwrap(entry.callback)
    # Views made by a factory (organizer.views.events._seat_action) hold their form class.
    closed_over = [
        cell.cell_contents
        for cell in function.__closure__ or ()
        if inspect.isclass(cell.cell_contents) and issubclass(cell.cell_contents, forms.BaseForm)
    ]
    module_forms = _forms_of(_view_module(entry))
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return module_forms
    named = [f for f in module_forms if re.search(rf"\b{f.__name__}\b", source)]
    return list(dict.fromkeys(closed_over + named))


def _keys_of(module) -> list[str]:
    """Query and body keys the view module reads, from its source and its FilterSets."""
    if module is None:
        return []
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return []
    keys = set(re.findall(r"""\.get(?:list)?\(\s*["'](\w+)["']""", source))
    for value in vars(module).values():
        if inspect.isclass(value) and issubclass(value, django_filters.FilterSet):
            keys |= set(value.base_filters)
        elif inspect.ismodule(value) and value.__name__.split(".")[0] in PROJECT_APPS:
            for v in vars(value).values():
                if inspect.isclass(v) and issubclass(v, django_filters.FilterSet):
                    keys |= set(v.base_filters)
    return sorted(keys)


# --- values ---------------------------------------------------------------------------

HOSTILE_TEXT = [
    "",
    "a\x00b",
    "\x00",
    "x\x1fy",
    "\x7f",
    "line\nbreak",
    "9" * 10_000,
    str(2**63),
    str(2**31),
    "-1",
    "-" + "9" * 30,
    "1e999",
    "NaN",
    "0.001",
    "abc",
    "0001-01-01T00:00",
    "0001-01-01",
    "9999-12-31T23:59",
    "9999-12-31",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "' OR 1=1--",
    "\u202eevil",
    "Ọlá Adébáyọ̀",
    "x" * 5_000,
    "[]",
    "null",
]
hostile = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
NUMBERS = ["9" * 10_000, str(2**63), str(2**31), "-1", "-" + "9" * 30, "1e999", "NaN", "abc"]
DATES = ["0001-01-01T00:00", "0001-01-01", "9999-12-31T23:59", "9999-12-31", "2030-02-30"]


def _hostile_for(field):
    """Hostile values, weighted towards what the field's type is likely to get wrong."""
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(st.sampled_from(NUMBERS), hostile)
    if isinstance(field, forms.DateTimeField | forms.DateField):
        return st.one_of(st.sampled_from(DATES), hostile)
    return hostile


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | hostile,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["ticket_id", "payload", "device", "scans", "q"]), children
        )
    ),
    max_leaves=6,
)


def _valid_value(name, field, world):
    """A value the field accepts, so a hostile value elsewhere reaches the deeper checks."""
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model if field.queryset is not None else None
        return str(world["pks"].get(model, world["event"].pk))
    if isinstance(field, forms.BooleanField):
        return "on"
    if isinstance(field, forms.ChoiceField):
        choices = [c for c, _ in field.choices if c not in ("", None)]
        return str(choices[0]) if choices else ""
    if isinstance(field, forms.EmailField):
        return "fuzz@example.ng"
    if isinstance(field, forms.DateTimeField):
        return "2030-03-14T23:00" if "end" in name else "2030-03-14T19:00"
    if isinstance(field, forms.DateField):
        return "2030-03-14"
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "2"
    if isinstance(field, forms.FileField):
        return None
    if "phone" in field.__class__.__name__.lower():
        return "+2348031234567"
    return "Lagos"


def _form_fields(form_classes):
    fields = {}
    for form_class in form_classes:
        prefix = getattr(form_class, "prefix", None)
        for name, field in form_class.base_fields.items():
            fields[f"{prefix}-{name}" if prefix else name] = field
    return fields


# --- the world and the roles ----------------------------------------------------------


def _build_world():
    organizer = OrganizerFactory()
    buyer = UserFactory()
    event = EventFactory(organizer=organizer)
    regular = TicketTypeFactory(event=event, capacity=50)
    seat = SeatFactory(
        section=SeatSectionFactory(event=EventFactory(organizer=organizer, seating="reserved"))
    )
    order, tickets = paid_order_with_tickets(ticket_type=regular, quantity=2, buyer=buyer)
    promo = PromoCodeFactory(organizer=organizer)
    return {
        "organizer": organizer,
        "buyer": buyer,
        "event": event,
        "seated": seat.event,
        "regular": regular,
        "seat": seat,
        "order": order,
        "pks": {
            type(event.category): event.category_id,
            type(event.venue): event.venue_id,
            type(regular): regular.pk,
            type(seat.section): seat.section_id,
            type(event): event.pk,
        },
        "ints": sorted(
            {
                event.pk,
                seat.event.pk,
                regular.pk,
                seat.pk,
                seat.section_id,
                seat.ticket_type_id,
                order.pk,
                promo.pk,
                *[t.pk for t in tickets],
            }
        ),
        "strs": [order.reference, event.slug, seat.event.slug, "regular"],
    }


def _clients(world):
    anonymous = Client(raise_request_exception=False)
    buyer = Client(raise_request_exception=False)
    buyer.force_login(world["buyer"])
    organizer = Client(raise_request_exception=False)
    organizer.force_login(world["organizer"].user)
    session = organizer.session
    session["active_role"] = "organizer"
    session.save()
    return {"anonymous": anonymous, "buyer": buyer, "organizer": organizer}


def _project_tables():
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    models.append(apps.get_model("account", "EmailAddress"))
    return sorted({m._meta.db_table for m in models})


def _row_counts(tables):
    selects = ", ".join(f"(SELECT count(*) FROM {connection.ops.quote_name(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {selects}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


class _Undo(Exception):
    pass


# --- the property -----------------------------------------------------------------------


def _path_value(conv, world):
    if conv == "int":
        return st.sampled_from(
            [str(pk) for pk in world["ints"]] * 3 + ["0", str(2**63), "9" * 40, "9" * 10_000]
        )
    safe = st.one_of(
        st.sampled_from(world["strs"]),
        hostile.filter(lambda s: "/" not in s and s != ""),
    )
    if conv == "slug":
        return st.one_of(st.sampled_from(world["strs"]), st.from_regex(r"\A[-a-zA-Z0-9_]{1,60}\Z"))
    return safe.map(lambda s: quote(s, safe=""))


@st.composite
def _request(draw, route, entry, world):
    module = _view_module(entry)
    form_classes = _forms_of_view(entry)
    # One form per example: its other fields valid, one to three of them hostile.
    fields = _form_fields([draw(st.sampled_from(form_classes))]) if form_classes else {}
    keys = _keys_of(module)
    path = route.lstrip("^").rstrip("$")

    def fill(match):
        if match.group("rname"):
            if match.group("rname") == "path":
                return draw(st.sampled_from(["x.png", "a%00b", "..%2F..%2Fsettings.py"]))
            return draw(st.sampled_from(["1", "abc-def", "a%00b", "9" * 40]))
        return draw(_path_value(match.group("conv") or "str", world))

    url = "/" + PARAM_RE.sub(fill, path)
    query = draw(st.dictionaries(st.sampled_from(keys or ["q"]), hostile, max_size=3))
    if query:
        url += "?" + urlencode(query)
    # Most examples go where the route's checks are: its owner's role, its forms.
    roles = ["anonymous", "buyer", "organizer"]
    if "organizer" in route:
        roles += ["organizer"] * 6
    elif "dashboard" in route or "orders" in route or "checkout" in route:
        roles += ["buyer"] * 4
    role = draw(st.sampled_from(roles))
    method = draw(st.sampled_from(["get", "post", "post"] if fields else ["get", "post"]))
    body, content_type = None, None
    if method == "post":
        if draw(st.integers(0, 9 if fields else 2)) == 0:
            body, content_type = json.dumps(draw(json_values)), "application/json"
        else:
            body = _valid_body(fields, world)
            extra = sorted(set(keys) - set(fields) | {f"qty_{world['regular'].pk}", "seat"})
            names = st.sampled_from(sorted(fields) * 4 + extra)
            for name in draw(st.lists(names, min_size=1, max_size=3, unique=True)):
                body[name] = draw(_hostile_for(fields.get(name)))
            file_fields = [n for n, f in fields.items() if isinstance(f, forms.FileField)]
            if file_fields and draw(st.booleans()):
                payload = draw(
                    st.sampled_from(
                        [b"<svg onload=alert(1)>", b"\x89PNG\r\n\x1a\nbroken", b"GIF89a<html>"]
                    )
                )
                body[file_fields[0]] = SimpleUploadedFile("cover.html", payload)
    return role, method, url, body, content_type


def _valid_body(fields, world) -> dict:
    body = {}
    for name, field in fields.items():
        value = _valid_value(name, field, world)
        if value is not None:
            body[name] = value
    return body


def _pages_that_fail(clients, world) -> list[str]:
    """The pages that show what the world's owners wrote, answering 5xx."""
    event, seated = world["event"], world["seated"]
    pages = {
        "organizer": [
            "/organizer/events",
            "/organizer/dashboard",
            f"/organizer/events/{event.pk}",
            f"/organizer/events/{seated.pk}/seats",
            f"/organizer/events/{event.pk}/orders",
            "/organizer/promo-codes",
        ],
        "buyer": ["/dashboard/tickets", "/dashboard/orders", "/profile", f"/events/{event.slug}"],
    }
    return [
        f"{role} {page}"
        for role, urls in pages.items()
        for page in urls
        if clients[role].get(page).status_code >= 500
    ]


def _owner_role(route) -> str:
    return "organizer" if "organizer" in route else "buyer"


def _explicit_examples(route, entry, world):
    """Examples every run tries, whatever hypothesis draws: each numeric and date field of
    each of the route's forms at its extremes (the rest of the form valid), each query key
    with a non-number and an out-of-range date, the hold fields as 10 KB digit strings, and
    JSON bodies that are not objects. The route's own ids fill its path."""
    by_name = {
        "event_id": world["event"].pk,
        "ticket_type_id": world["regular"].pk,
        "section_id": world["pks"][type(world["seat"].section)],
        "pk": world["regular"].pk,
        "slug": world["event"].slug,
        "reference": world["order"].reference,
    }

    def fill(match):
        name = match.group("name") or match.group("rname")
        return str(by_name.get(name, "x"))

    url = "/" + PARAM_RE.sub(fill, route.lstrip("^").rstrip("$"))
    role = _owner_role(route)
    out = []
    for form_class in _forms_of_view(entry):
        fields = _form_fields([form_class])
        # NUL in one text field per form (one middleware refuses it for all of them).
        texts = [n for n, f in fields.items() if type(f) is forms.CharField][:1]
        for name, field in fields.items():
            if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
                extremes = [str(2**63), "9" * 10_000]
            elif isinstance(field, forms.DateTimeField | forms.DateField):
                extremes = ["0001-01-01T00:00"]
            else:
                extremes = ["a\x00b"] if name in texts else []
            for value in extremes:
                out.append((role, "post", url, {**_valid_body(fields, world), name: value}, None))
    for key in _keys_of(_view_module(entry)):
        for value in ("abc", "9999-12-31"):
            out.append((role, "get", f"{url}?{urlencode({key: value})}", None, None))
    if "hold" in route:
        for body in ({f"qty_{world['regular'].pk}": "9" * 10_000}, {"seat": "9" * 10_000}):
            out.append((role, "post", url, body, None))
    if "json" in _source_of(_view_module(entry)):
        for body in ("[]", '"x"', "null", "1.5"):
            out.append((role, "post", url, body, "application/json"))
    return out


def _source_of(module) -> str:
    try:
        return inspect.getsource(module) if module else ""
    except (OSError, TypeError):
        return ""


def _route_id(item):
    return (
        re.sub(
            r"[^\w/.-]+", "_", PARAM_RE.sub(lambda m: m.group("name") or m.group("rname"), item[0])
        )
        or "home"
    )


@pytest.mark.slow
@pytest.mark.parametrize(("route", "entry"), ROUTES, ids=[_route_id(r) for r in ROUTES])
def test_no_route_answers_5xx_or_half_writes(route, entry):
    world = _build_world()
    clients = _clients(world)
    tables = _project_tables()
    errors = []

    def remember(sender, request=None, **kwargs):
        errors.append(repr(sys.exc_info()[1]))

    got_request_exception.connect(remember)

    @settings(
        max_examples=EXAMPLES * (2 if _forms_of_view(entry) else 1),
        deadline=None,
        derandomize=True,
        # No shrinking: the first failing example is reported as drawn (bounded CI time).
        phases=[Phase.explicit, Phase.generate],
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=_request(route, entry, world))
    def check(data):
        role, method, url, body, content_type = data
        client = clients[role]
        errors.clear()
        before = after = _row_counts(tables)
        broken = []
        kwargs = {"content_type": content_type} if content_type else {}
        try:
            # A savepoint per example: every example starts from the same rows, and a
            # database error in one does not poison the next. Like a TestCase's own block it
            # stands for autocommit (getiickets.external asks).
            savepoint = transaction.atomic()
            savepoint._from_testcase = True
            with savepoint:
                response = getattr(client, method)(url, body, **kwargs)
                if response.status_code < 500:
                    after = _row_counts(tables)
                if method == "post" and response.status_code < 400:
                    # What was accepted must not break a page later (a year-1 date did).
                    broken = _pages_that_fail(clients, world)
                raise _Undo
        except _Undo:
            pass
        described = f"{role} {method.upper()} {url[:200]} body={str(body)[:300]}"
        assert response.status_code < 500, f"{response.status_code} for {described}: {errors}"
        assert not broken, f"{described} was accepted, then {broken} failed: {errors}"
        if response.status_code >= 400:
            changed = {t: (before[t], after[t]) for t in tables if before[t] != after[t]}
            assert not changed, f"{response.status_code} wrote rows {changed} for {described}"

    for data in _explicit_examples(route, entry, world):
        check = example(data=data)(check)
    try:
        check()
    finally:
        got_request_exception.disconnect(remember)
