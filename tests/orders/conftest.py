from tests.checkout_helpers import sandbox  # noqa: F401
