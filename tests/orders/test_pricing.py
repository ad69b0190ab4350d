"""One pricing function, integer kobo: what the buyer sees is what they pay."""

import pytest

from events.models import Event
from orders.pricing import Line, price, service_fee
from tests.factories import EventFactory, PromoCodeFactory, TicketTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fee(settings):
    settings.SERVICE_FEE_BASIS_POINTS = 350  # 3.5 %
    settings.SERVICE_FEE_FLAT_KOBO = 10_000  # ₦100


def lines(*pairs, ticket_type_id=1):
    return [Line(ticket_type_id, "Regular", unit, qty) for unit, qty in pairs]


def test_buyer_pays_the_fee_on_top_when_the_event_passes_it_on():
    event = EventFactory(fee_mode=Event.FeeMode.PASS_TO_BUYER)
    quote = price(lines((1_000_000, 2)), None, event)  # 2 × ₦10,000
    assert quote.subtotal_kobo == 2_000_000
    assert quote.discount_kobo == 0
    assert quote.fee_kobo == 70_000 + 10_000  # 3.5 % of ₦20,000 + ₦100
    assert quote.total_kobo == 2_080_000


def test_organizer_absorbs_the_fee_and_the_buyer_pays_the_ticket_price():
    event = EventFactory(fee_mode=Event.FeeMode.ABSORB)
    quote = price(lines((1_000_000, 2)), None, event)
    assert quote.fee_kobo == 0
    assert quote.absorbed_fee_kobo == 80_000
    assert quote.total_kobo == 2_000_000


def test_fee_rounds_half_up_in_whole_kobo():
    # 3.5 % of 1 kobo... of 10 kobo = 0.35 → 0; of 100 kobo = 3.5 → 4 (half up)
    assert service_fee(100) == 4 + 10_000
    assert service_fee(10) == 0 + 10_000
    assert service_fee(143) == 5 + 10_000  # 5.005 → 5


def test_percentage_discount_in_basis_points_comes_off_before_the_fee():
    event = EventFactory()
    promo = PromoCodeFactory(organizer=event.organizer, kind="percent", value=1_000)
    quote = price(lines((1_000_000, 2)), promo, event)
    assert quote.discount_kobo == 200_000  # 10 % of ₦20,000
    assert quote.fee_kobo == 63_000 + 10_000  # 3.5 % of ₦18,000 + ₦100
    assert quote.total_kobo == 1_800_000 + 73_000


def test_percentage_discount_rounds_half_up():
    event = EventFactory()
    promo = PromoCodeFactory(organizer=event.organizer, kind="percent", value=1_250)  # 12.5 %
    quote = price(lines((1_001, 1)), promo, event)  # 125.125 → 125
    assert quote.discount_kobo == 125
    quote = price(lines((1_004, 1)), promo, event)  # 125.5 → 126
    assert quote.discount_kobo == 126


def test_fixed_discount_never_goes_below_zero_and_a_free_order_has_no_fee():
    event = EventFactory()
    promo = PromoCodeFactory(organizer=event.organizer, kind="fixed", value=200_000)  # ₦2,000
    quote = price(lines((150_000, 1)), promo, event)  # ₦1,500 ticket
    assert quote.discount_kobo == 150_000
    assert quote.fee_kobo == 0
    assert quote.total_kobo == 0
    assert quote.is_free


def test_free_tickets_cost_nothing_at_all():
    event = EventFactory()
    quote = price(lines((0, 3)), None, event)
    assert (quote.subtotal_kobo, quote.fee_kobo, quote.total_kobo) == (0, 0, 0)


def test_a_code_limited_to_one_ticket_type_discounts_only_those_tickets():
    event = EventFactory()
    vip = TicketTypeFactory(event=event, name="VIP", price_kobo=5_000_000)
    regular = TicketTypeFactory(event=event, name="Regular", price_kobo=1_000_000)
    promo = PromoCodeFactory(organizer=event.organizer, kind="percent", value=5_000)
    promo.ticket_types.add(vip)
    quote = price(
        [
            Line(vip.pk, "VIP", 5_000_000, 1),
            Line(regular.pk, "Regular", 1_000_000, 2),
        ],
        promo,
        event,
    )
    assert quote.subtotal_kobo == 7_000_000
    assert quote.discount_kobo == 2_500_000  # half of the VIP only
