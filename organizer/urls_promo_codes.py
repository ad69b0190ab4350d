from django.urls import path

from organizer.views import promo_codes

urlpatterns = [
    path("promo-codes", promo_codes.promo_code_list, name="promo_codes"),
    path("promo-codes/create", promo_codes.promo_code_create, name="promo_code_create"),
    path("promo-codes/<int:pk>", promo_codes.promo_code_edit, name="promo_code_edit"),
    path(
        "promo-codes/<int:pk>/deactivate",
        promo_codes.promo_code_deactivate,
        name="promo_code_deactivate",
    ),
]
