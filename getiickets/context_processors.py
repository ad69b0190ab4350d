from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "PAYSTACK_SANDBOX": settings.PAYSTACK_SANDBOX,
        "active_role": getattr(request, "active_role", "buyer"),
    }
