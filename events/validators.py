"""Bounds for what organizers type: dates a calendar can show, numbers a column can hold."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

# Outside these years a date is a typo (or an attack): year 1 in Lagos time is year 0 in
# UTC, which PostgreSQL stores and Python cannot read back.
EARLIEST_YEAR = 2000
LATEST_YEAR = 2099
DATE_RANGE_MESSAGE = f"Choose a date between {EARLIEST_YEAR} and {LATEST_YEAR}."

# Business caps, well inside the columns (PositiveIntegerField, PositiveSmallIntegerField,
# BigIntegerField) so nothing an organizer types can overflow them.
MAX_CAPACITY = 1_000_000
MAX_PER_ORDER = 100
MAX_PRICE_KOBO = 100_000_000 * 100  # ₦100 million


def validate_sane_datetime(value: datetime) -> None:
    if value is None:
        return
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    if not EARLIEST_YEAR <= local.year <= LATEST_YEAR:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


def validate_sane_date(value: date) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")
