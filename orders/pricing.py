"""The one pricing function: every amount the buyer sees or pays comes from `price()`.

Integer kobo throughout; rounding is half-up in integer arithmetic.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class Line:
    ticket_type_id: int
    name: str
    unit_price_kobo: int
    quantity: int

    @property
    def amount_kobo(self) -> int:
        return self.unit_price_kobo * self.quantity


@dataclass(frozen=True)
class Quote:
    subtotal_kobo: int
    discount_kobo: int
    fee_kobo: int  # paid by the buyer, included in the total
    total_kobo: int
    absorbed_fee_kobo: int = 0  # fee the organizer absorbs (not in the total)
    lines: tuple[Line, ...] = field(default_factory=tuple)
    promo_code: str = ""

    @property
    def is_free(self) -> bool:
        return self.total_kobo == 0


def _bp(amount_kobo: int, basis_points: int) -> int:
    """amount × basis_points / 10 000, rounded half-up (non-negative integers only)."""
    return (amount_kobo * basis_points + 5_000) // 10_000


def discount_for(lines: Iterable[Line], promo) -> int:
    lines = list(lines)
    if promo is None:
        return 0
    allowed = set(promo.ticket_types.values_list("pk", flat=True)) if promo.pk else set()
    eligible = sum(
        line.amount_kobo for line in lines if not allowed or line.ticket_type_id in allowed
    )
    if promo.kind == "percent":
        return min(_bp(eligible, promo.value), eligible)
    return min(promo.value, eligible)


def service_fee(amount_kobo: int) -> int:
    """The platform fee on what the buyer pays for tickets; a ₦0 order has no fee."""
    if amount_kobo <= 0:
        return 0
    return _bp(amount_kobo, settings.SERVICE_FEE_BASIS_POINTS) + settings.SERVICE_FEE_FLAT_KOBO


def price(lines: Iterable[Line], promo, event) -> Quote:
    lines = tuple(lines)
    subtotal = sum(line.amount_kobo for line in lines)
    discount = discount_for(lines, promo)
    after_discount = subtotal - discount
    fee = service_fee(after_discount)
    buyer_pays_fee = event.fee_mode == "buyer"
    return Quote(
        subtotal_kobo=subtotal,
        discount_kobo=discount,
        fee_kobo=fee if buyer_pays_fee else 0,
        total_kobo=after_discount + (fee if buyer_pays_fee else 0),
        absorbed_fee_kobo=0 if buyer_pays_fee else fee,
        lines=lines,
        promo_code=promo.code if promo is not None else "",
    )


def lines_for_hold(hold) -> list[Line]:
    return [
        Line(
            ticket_type_id=hl.ticket_type_id,
            name=hl.ticket_type.name,
            unit_price_kobo=hl.ticket_type.price_kobo,
            quantity=hl.quantity,
        )
        for hl in hold.lines.select_related("ticket_type").order_by("ticket_type_id")
    ]
