"""Organizer promo codes: list, create, edit, deactivate — only the organizer's own."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import permissions as perms
from accounts.permissions import organizer_permission
from orders.forms import PromoCodeForm
from orders.models import PromoCode

PAGE_SIZE = 25


def _own(request):
    return PromoCode.objects.filter(organizer=request.organizer)


@organizer_permission(perms.MANAGE_PROMO_CODES)
@require_GET
def promo_code_list(request):
    codes = _own(request).prefetch_related("events", "ticket_types").order_by("-pk")
    page = Paginator(codes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "organizer/promo_codes/list.html", {"codes": page.object_list, "page": page}
    )


@organizer_permission(perms.MANAGE_PROMO_CODES)
@require_http_methods(["GET", "POST"])
def promo_code_create(request):
    form = PromoCodeForm(request.POST or None, organizer=request.organizer)
    if request.method == "POST" and form.is_valid():
        code = form.save()
        messages.success(request, f"Promo code {code.code} created.")
        return redirect("organizer:promo_codes")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "organizer/promo_codes/form.html", {"form": form, "code": None}, status=status
    )


@organizer_permission(perms.MANAGE_PROMO_CODES)
@require_http_methods(["GET", "POST"])
def promo_code_edit(request, pk):
    code = get_object_or_404(_own(request), pk=pk)
    form = PromoCodeForm(request.POST or None, instance=code, organizer=request.organizer)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Promo code {code.code} saved.")
        return redirect("organizer:promo_codes")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "organizer/promo_codes/form.html", {"form": form, "code": code}, status=status
    )


@organizer_permission(perms.MANAGE_PROMO_CODES)
@require_POST
def promo_code_deactivate(request, pk):
    code = get_object_or_404(_own(request), pk=pk)
    PromoCode.objects.filter(pk=code.pk).update(is_active=False)
    messages.success(request, f"Promo code {code.code} deactivated. It can no longer be used.")
    return redirect("organizer:promo_codes")
