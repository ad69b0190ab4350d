"""The staff admin's site-wide rules, applied to every model admin as it is registered:

- amounts are shown in naira: a `*_kobo` column or read-only field reads "₦97,907.50", never
  "9790750" (a `*_kobo` field staff may edit stays editable, labelled in kobo);
- records of money and admission (orders and their items and log, payments, refunds, tickets,
  check-ins) are never deleted or added here, nor edited inside another record's page:
  cancelling and refunding are the actions.

One place for the rules, so an admin added later follows them without remembering to.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from getiickets.templatetags.money import format_naira

UNDELETABLE = {
    "orders.order",
    "orders.orderitem",
    "orders.orderevent",
    "payments.payment",
    "payments.refund",
    "payments.rejectedcharge",
    "payments.payout",
    "payments.ledgerentry",
    "payments.payoutaccount",
    "tickets.ticket",
    "tickets.checkin",
}


def _naira_name(field_name: str) -> str:
    return field_name.removesuffix("_kobo") + "_naira"


def _kobo_fields(model) -> dict[str, object]:
    return {f.name: f for f in model._meta.concrete_fields if f.name.endswith("_kobo")}


def _naira_display(field):
    def show(self, obj):
        value = getattr(obj, field.name)
        return "—" if value is None else format_naira(value)

    label = str(field.verbose_name).removesuffix(" kobo").strip() or field.name
    show.short_description = label[:1].upper() + label[1:]
    show.admin_order_field = field.name
    return show


class StaffRules:
    """Mixed into every registered ModelAdmin and its inlines (see StaffAdminSite)."""

    def _is_record(self) -> bool:
        return self.model._meta.label_lower in UNDELETABLE

    def has_delete_permission(self, request, obj=None):
        if self._is_record():
            return False
        return super().has_delete_permission(request, obj)

    def has_add_permission(self, request, *args):
        if self._is_record():
            return False
        return super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        # Shown inside an order's page, a payment or an item is read, never edited.
        if self._is_record() and isinstance(self, admin.options.InlineModelAdmin):
            return False
        return super().has_change_permission(request, obj)

    def _as_naira(self, names):
        kobo = _kobo_fields(self.model)
        return [_naira_name(n) if isinstance(n, str) and n in kobo else n for n in names]

    def get_list_display(self, request):
        return self._as_naira(super().get_list_display(request))

    def get_readonly_fields(self, request, obj=None):
        return self._as_naira(super().get_readonly_fields(request, obj))

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        readonly = set(super().get_readonly_fields(request, obj))
        kobo = _kobo_fields(self.model)
        return [_naira_name(f) if f in kobo and f in readonly else f for f in fields]

    def get_inlines(self, request, obj):
        return [with_staff_rules(inline) for inline in super().get_inlines(request, obj)]


_wrapped: dict[type, type] = {}


def with_staff_rules(admin_class: type) -> type:
    """`admin_class` with StaffRules and a naira display method for each kobo field."""
    if issubclass(admin_class, StaffRules):
        return admin_class
    if admin_class not in _wrapped:
        attrs = {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__}
        model = getattr(admin_class, "model", None)
        if model is not None:  # inlines name their model; ModelAdmins get theirs at register
            attrs.update(
                {_naira_name(n): _naira_display(f) for n, f in _kobo_fields(model).items()}
            )
        _wrapped[admin_class] = type(admin_class.__name__, (StaffRules, admin_class), attrs)
    return _wrapped[admin_class]


class StaffAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        models = [model_or_iterable] if isinstance(model_or_iterable, type) else model_or_iterable
        for model in models:
            base = admin_class or admin.ModelAdmin
            attrs = {"__module__": base.__module__, "__doc__": base.__doc__}
            attrs.update(
                {_naira_name(n): _naira_display(f) for n, f in _kobo_fields(model).items()}
            )
            rules = type(base.__name__, (StaffRules, base), attrs)
            super().register(model, rules, **options)


class StaffAdminConfig(AdminConfig):
    default_site = "getiickets.staff_admin.StaffAdminSite"
