"""Who may see an order: its signed-in buyer; in a guest's browser (accounts.guests), the
orders that session placed or opened by their signed link; anyone holding the signed link.

The link (`/orders/link/<reference>:<signature>`) is signed with SECRET_KEY and never
expires, like a paper ticket: it goes in the confirmation email and SMS of guest orders.
A link altered in any way is a 404."""

from django.core import signing
from django.db.models import Q
from django.urls import reverse

from accounts import guests
from orders.models import Order

_SALT = "orders.order-link"


def link_token(order: Order) -> str:
    return signing.Signer(salt=_SALT).sign(order.reference)


def link_path(order: Order) -> str:
    return reverse("orders:link", args=[link_token(order)])


def order_from_link(token: str) -> Order | None:
    try:
        reference = signing.Signer(salt=_SALT).unsign(token)
    except signing.BadSignature:
        return None
    return Order.objects.select_related("event", "promo_code").filter(reference=reference).first()


def visible_orders(request):
    """The orders this request may show: the account's own, and those this browser placed
    as a guest or opened by their link."""
    opened = Q(pk__in=guests.session_order_ids(request))
    if request.user.is_authenticated:
        return Order.objects.filter(Q(buyer=request.user) | opened)
    return Order.objects.filter(opened)


def can_see_any(request) -> bool:
    return request.user.is_authenticated or bool(guests.session_order_ids(request))
