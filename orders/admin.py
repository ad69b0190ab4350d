from django.contrib import admin, messages
from django.template.loader import render_to_string
from django.template.response import TemplateResponse

from getiickets.templatetags.money import format_naira
from orders import services
from orders.models import Order, OrderEvent, OrderItem, PromoCode, PromoRedemption
from payments.models import Payment, Refund


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    extra = 0
    can_delete = False
    readonly_fields = ["ticket_type", "seat", "unit_price_kobo", "paid_kobo", "attendee_name"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    can_delete = False
    readonly_fields = ["created_at", "from_status", "to_status", "actor", "source", "note"]

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    can_delete = False
    readonly_fields = [
        "paystack_reference",
        "status",
        "amount_kobo",
        "currency",
        "channel",
        "paid_at",
        "source",
        "note",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class RefundInline(admin.TabularInline):
    model = Refund
    extra = 0
    can_delete = False
    readonly_fields = [
        "amount_kobo",
        "status",
        "paystack_refund_id",
        "source",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request, obj=None):
        return False


class HasMismatchFilter(admin.SimpleListFilter):
    title = "payment mismatch"
    parameter_name = "mismatch"

    def lookups(self, request, model_admin):
        return [("yes", "Has a mismatched payment")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(payments__status=Payment.Status.MISMATCH).distinct()
        return queryset


def _confirm(modeladmin, request, queryset, *, action, title, rows, button, warning=""):
    """The intermediate page of a confirmed action: what will happen to which orders."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "opts": modeladmin.model._meta,
        "action": action,
        "rows": rows,
        "button": button,
        "warning": warning,
        "queryset": queryset,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/orders/confirm_action.html", context)


def _refundable_kobo(order) -> int:
    from payments import services as payments

    return max(payments.refundable_kobo(order), 0)


@admin.action(description="Refund in full through Paystack…")
def refund_in_full(modeladmin, request, queryset):
    """Asks first, showing each order's amount that will go back; then refunds."""
    from payments import gateway
    from payments import services as payments

    if request.POST.get("confirmed") != "yes":
        rows = [(order, format_naira(_refundable_kobo(order))) for order in queryset]
        return _confirm(
            modeladmin,
            request,
            queryset,
            action="refund_in_full",
            title="Refund these orders in full?",
            rows=rows,
            button="Yes, refund through Paystack",
            warning="The money goes back to each buyer's card or account; this cannot be undone.",
        )
    done = 0
    for order in queryset:
        try:
            payments.request_refund(
                order=order, amount_kobo=None, actor=request.user, source="staff", reason="staff"
            )
            done += 1
        except (payments.RefundRefused, gateway.GatewayError) as exc:
            modeladmin.message_user(request, f"{order.reference}: {exc}", messages.ERROR)
    if done:
        modeladmin.message_user(request, f"Refund requested for {done} order(s).")
    return None


@admin.action(description="Cancel unpaid orders…")
def cancel_unpaid(modeladmin, request, queryset):
    """Asks first; cancels orders still awaiting payment and frees what they held."""
    if request.POST.get("confirmed") != "yes":
        rows = [
            (
                order,
                "will be cancelled"
                if order.status == Order.Status.PENDING
                else f"left as is ({order.get_status_display()}; refund a paid order instead)",
            )
            for order in queryset
        ]
        return _confirm(
            modeladmin,
            request,
            queryset,
            action="cancel_unpaid",
            title="Cancel these unpaid orders?",
            rows=rows,
            button="Yes, cancel them",
            warning="Their held tickets and seats go back on sale.",
        )
    cancelled = sum(
        1
        for order in queryset
        if services.cancel(order=order, actor=request.user, source="staff", note="staff")
    )
    modeladmin.message_user(request, f"{cancelled} order(s) cancelled.")
    return None


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["reference", "event", "buyer", "status", "total_kobo", "created_at"]
    list_filter = ["status", HasMismatchFilter, "created_at"]
    search_fields = ["reference", "email", "full_name", "buyer__email"]
    inlines = [OrderItemInline, PaymentInline, RefundInline, OrderEventInline]
    actions = [refund_in_full, cancel_unpaid]
    readonly_fields = ["timeline", *[f.name for f in Order._meta.fields]]

    def has_add_permission(self, request):
        return False

    @admin.display(description="Timeline (status changes, payments, refunds, deliveries)")
    def timeline(self, obj):
        return render_to_string(
            "admin/orders/_timeline.html", {"entries": services.order_timeline(obj)}
        )


@admin.register(PromoCode)
class PromoCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "organizer", "kind", "value", "uses", "max_uses", "is_active"]
    list_filter = ["is_active", "kind"]
    search_fields = ["code", "organizer__name"]
    filter_horizontal = ["events", "ticket_types"]


@admin.register(PromoRedemption)
class PromoRedemptionAdmin(admin.ModelAdmin):
    list_display = ["promo_code", "order", "buyer", "discount_kobo", "created_at", "released_at"]
    list_filter = ["released_at"]
