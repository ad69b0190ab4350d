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
    # What each admission costs the buyer (one entry per unit, in line order): its price less
    # its share of the discount. They add up to subtotal − discount exactly; the service fee
    # is the order's, returned only when the whole order is refunded.
    item_amounts_kobo: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_free(self) -> bool:
        return self.total_kobo == 0


def _bp(amount_kobo: int, basis_points: int) -> int:
    """amount × basis_points / 10 000, rounded half-up (non-negative integers only)."""
    return (amount_kobo * basis_points + 5_000) // 10_000


def split(amount_kobo: int, weights: list[int]) -> list[int]:
    """`amount_kobo` shared in proportion to `weights`, in whole kobo that add up to it exactly
    (largest remainder; ties go to the earlier share)."""
    total = sum(weights)
    if not weights:
        return []
    if total <= 0:
        weights, total = [1] * len(weights), len(weights)
    shares = [amount_kobo * w // total for w in weights]
    remainders = [amount_kobo * w % total for w in weights]
    for i in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[
        : amount_kobo - sum(shares)
    ]:
        shares[i] += 1
    return shares


def _eligible_types(promo) -> set[int]:
    """Ticket types the code is limited to (empty: all of them)."""
    return set(promo.ticket_types.values_list("pk", flat=True)) if promo.pk else set()


def _is_eligible(line: Line, allowed: set[int]) -> bool:
    return not allowed or line.ticket_type_id in allowed


def discount_for(lines: Iterable[Line], promo, allowed: set[int] | None = None) -> int:
    lines = list(lines)
    if promo is None:
        return 0
    allowed = _eligible_types(promo) if allowed is None else allowed
    eligible = sum(line.amount_kobo for line in lines if _is_eligible(line, allowed))
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
    allowed = _eligible_types(promo) if promo is not None else set()
    subtotal = sum(line.amount_kobo for line in lines)
    discount = discount_for(lines, promo, allowed)
    after_discount = subtotal - discount
    fee = service_fee(after_discount)
    buyer_pays_fee = event.fee_mode == "buyer"
    total = after_discount + (fee if buyer_pays_fee else 0)
    # Per admission: the discount is shared among the admissions it applies to, by price.
    units = [(line, line.unit_price_kobo) for line in lines for _ in range(line.quantity)]
    eligible = [price if promo and _is_eligible(line, allowed) else 0 for line, price in units]
    discounts = split(discount, eligible) if discount else [0] * len(units)
    after = [price - share for (_, price), share in zip(units, discounts, strict=True)]
    return Quote(
        subtotal_kobo=subtotal,
        discount_kobo=discount,
        fee_kobo=fee if buyer_pays_fee else 0,
        total_kobo=total,
        absorbed_fee_kobo=0 if buyer_pays_fee else fee,
        lines=lines,
        promo_code=promo.code if promo is not None else "",
        item_amounts_kobo=tuple(after),
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
