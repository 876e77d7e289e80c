"""Delivery backends for the worker reliability tests: each message sent is appended to a file (one line,
flushed and fsynced, so a SIGKILL cannot lose or duplicate a line that was written)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from email.header import decode_header, make_header

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage

from jiesu.notify.backends import Backend


def _append(line: str) -> None:
    with open(os.environ["JIESU_RECORD_FILE"], "a", encoding="utf-8") as out:
        out.write(line.replace("\n", " ") + "\n")
        out.flush()
        os.fsync(out.fileno())


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        for message in email_messages:
            mime = message.message()
            subject = str(make_header(decode_header(mime["Subject"])))
            _append(f"email\t{mime['Message-ID']}\t{','.join(message.to)}\t{subject}")
        return len(email_messages)


class SmsBackend(Backend):
    """Records SMS and WeCom messages by their idempotency key (the outbox row)."""

    def send(self, *, address: str, subject: str, body: str, key: str) -> None:
        _append(f"text\t{key}\t{address}\t{subject}")

    def close(self) -> None:
        pass
