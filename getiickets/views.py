"""Site-wide pages: home, newsletter sign-up, support form and the content pages."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from events import services as event_services
from getiickets import services
from getiickets.forms import NewsletterForm, SupportForm
from getiickets.page_cache import public_page

FEATURED_LIMIT = 6
# The home page's copy (getiickets.page_cache) is rebuilt every half minute at most.
HOME_FRESH_SECONDS = 30
SUPPORT_RATE = "5/h"
NEWSLETTER_RATE = "20/h"
NEWSLETTER_LIMITED = (
    "That's a lot of sign-ups from your connection in one hour. Please try again a little later."
)


def _home_context(newsletter_form=None):
    return {
        "featured_events": event_services.featured_events(FEATURED_LIMIT),
        "categories": event_services.catalogue_categories(),
        "newsletter_form": newsletter_form or NewsletterForm(),
        **_policy(),
    }


def _policy():
    """Numbers the pages quote, read from settings so the words never drift from the rules."""
    from getiickets.templatetags.money import format_naira

    flat = format_naira(settings.SERVICE_FEE_FLAT_KOBO).removesuffix(".00")
    return {
        "hold_minutes": max(settings.HOLD_SECONDS // 60, 1),
        "service_fee": f"{settings.SERVICE_FEE_BASIS_POINTS / 100:g}% + {flat}",
    }


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_GET
def favicon(request):
    """Browsers and crawlers ask for /favicon.ico whatever the pages link to."""
    response = redirect(static("favicon.svg"), permanent=True)
    response["Cache-Control"] = "public, max-age=86400"
    return response


def _home_shows(request):
    return [event.pk for event in event_services.featured_events(FEATURED_LIMIT)], None


@require_GET
@public_page(_home_shows, fresh_seconds=HOME_FRESH_SECONDS)
def home(request):
    return render(request, "pages/home.html", _home_context())


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=NEWSLETTER_RATE, method="POST", block=False)
def newsletter_signup(request):
    """Works as a plain form post (redirect home with a message) and as an htmx partial swap.
    A GET (someone reloading the page after an error) goes back to the form on the home page."""
    if request.method == "GET":
        return redirect(reverse("home") + "#newsletter")
    form = NewsletterForm(request.POST)
    if getattr(request, "limited", False):
        form.is_valid()  # keep what was typed
        form.errors.clear()
        form.add_error(None, NEWSLETTER_LIMITED)
        if _is_htmx(request):
            return render(request, "includes/newsletter_form.html", {"form": form}, status=429)
        return render(request, "pages/home.html", _home_context(form), status=429)
    if not form.is_valid():
        if _is_htmx(request):
            return render(request, "includes/newsletter_form.html", {"form": form}, status=400)
        return render(request, "pages/home.html", _home_context(form), status=400)
    subscriber, created = services.subscribe_to_newsletter(
        email=form.cleaned_data["email"], source=request.POST.get("source", "home")[:40]
    )
    if created:
        text = f"Thanks! {subscriber.email} is on the list for our weekly pick of events."
    else:
        text = f"Good news: {subscriber.email} is already subscribed, so you're all set."
    if _is_htmx(request):
        return render(
            request,
            "includes/newsletter_form.html",
            {"form": NewsletterForm(), "done": text, "created": created},
        )
    messages.success(request, text)
    # "#top": the form posts to /newsletter#newsletter (so an error shows in place); the thanks
    # message is at the top of the page, so scroll there.
    return redirect(reverse("home") + "#top")


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=SUPPORT_RATE, method="POST", block=False)
def support(request):
    if request.method == "POST":
        if getattr(request, "limited", False):
            return _support_page(request, SupportForm(request.POST), status=429, rate_limited=True)
        form = SupportForm(request.POST)
        if not form.is_valid():
            return _support_page(request, form, status=400)
        services.submit_support_message(
            **form.cleaned_data, user=request.user, ip_address=_client_ip(request)
        )
        messages.success(
            request,
            "Thanks, your message has reached our support team. We reply by email, usually "
            "within one working day (Monday–Saturday, 8am–8pm WAT).",
        )
        return redirect("support")
    return _support_page(request, SupportForm())


def _support_page(request, form, status=200, **extra):
    context = {"form": form, "support_email": settings.SUPPORT_EMAIL, **extra}
    return render(request, "pages/support.html", context, status=status)


@require_GET
def faqs(request):
    return render(request, "pages/faqs.html", _policy())


@require_GET
def privacy(request):
    return render(request, "pages/privacy.html")


@require_GET
def terms(request):
    return render(request, "pages/terms.html", _policy())


@require_GET
def refund_policy(request):
    return render(request, "pages/refund_policy.html", _policy())


def bad_request(request, exception=None):
    """400s (handler400): a BadRequest's message is written for the person who sees it."""
    message = str(exception) if isinstance(exception, BadRequest) else ""
    return render(request, "400.html", {"message": message}, status=400)
