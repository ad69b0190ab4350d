"""The development email backend: Django's console backend, but attachments and HTML
alternatives are named, not dumped (a ticket email would print its PDF as base64)."""

import copy

from django.core.mail.backends.console import EmailBackend as DjangoConsoleBackend


class ConsoleEmailBackend(DjangoConsoleBackend):
    def write_message(self, message):
        shown = copy.copy(message)
        notes = []
        for alternative in getattr(message, "alternatives", None) or []:
            content, mimetype = alternative[0], alternative[1]
            notes.append(f"[{mimetype} alternative, {len(content):,} characters, not shown]")
        for attachment in message.attachments:
            if isinstance(attachment, tuple | list) or hasattr(attachment, "filename"):
                name, content, mimetype = (
                    (attachment.filename, attachment.content, attachment.mimetype)
                    if hasattr(attachment, "filename")
                    else attachment
                )
            else:  # a MIMEBase object
                name, content, mimetype = attachment.get_filename(), b"", "mime part"
            notes.append(f"[attachment {name} ({mimetype}, {len(content or b''):,} bytes)]")
        shown.attachments = []
        if hasattr(shown, "alternatives"):
            shown.alternatives = []
        super().write_message(shown)
        for note in notes:
            self.stream.write(note + "\n")
