"""The development console shows an email's text, and names its attachments instead of
printing them (a ticket email's PDF would be pages of base64)."""

import io

from django.core.mail import EmailMultiAlternatives

from getiickets.mail import ConsoleEmailBackend


def test_attachments_and_html_are_named_not_dumped():
    stream = io.StringIO()
    message = EmailMultiAlternatives(
        "Your tickets", "See you at the show.", "tickets@getiickets.ng", ["ada@example.ng"]
    )
    message.attach_alternative("<p>" + "x" * 5000 + "</p>", "text/html")
    message.attach("tickets-GT-1.pdf", b"%PDF-1.7" + b"\0" * 200_000, "application/pdf")
    assert ConsoleEmailBackend(stream=stream).send_messages([message]) == 1
    out = stream.getvalue()
    assert "See you at the show." in out and "ada@example.ng" in out
    assert "[attachment tickets-GT-1.pdf (application/pdf, 200,008 bytes)]" in out
    assert "[text/html alternative, 5,007 characters, not shown]" in out
    assert len(out) < 2_000
    assert message.attachments  # the message itself is untouched
