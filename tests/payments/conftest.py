from tests.checkout_helpers import sandbox  # noqa: F401
from tests.standins.fixtures import brevo, twilio  # noqa: F401
