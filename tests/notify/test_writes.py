"""Notifications are written with the change that caused them (issue 5 §3): a rolled-back change leaves no
inbox or outbox row and wakes no worker; a committed one wakes a worker once. Staff never see a requester's
full contact (R10.2)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import transaction

from jiesu.notify import services as notify
from jiesu.notify.models import Notification, Outbox
from jiesu.privacy import mask_contacts
from jiesu.tickets import services
from jiesu.tickets.states import Status
from tests.support import drive, hotline_call, unit, user, web_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def wakes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the after-commit wake-ups (the hooks ``on_outbox_committed`` registered) that would reach the queue."""
    calls: list[int] = []
    monkeypatch.setattr(notify, "_outbox_hooks", [lambda: calls.append(1)])
    return calls


def test_the_worker_app_registers_its_wake_up_with_notify() -> None:
    """The queue's owner hooks itself on at start-up; notify never imports the worker (tests/test_import_layers.py)."""
    from jiesu.worker.queue import enqueue_delivery

    assert enqueue_delivery in notify._outbox_hooks


class Boom(Exception):
    pass


def test_a_rolled_back_change_writes_no_notification_and_wakes_nobody(
    demo_org: None, wakes: list[int], django_capture_on_commit_callbacks
) -> None:
    """The dispatch fails after its event was published: no inbox row, no outbox row, no wake-up."""
    ticket = drive(Status.NEW)
    Notification.objects.all().delete()
    Outbox.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(Boom), transaction.atomic():
            services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
            assert Notification.objects.filter(event="dispatched").exists()  # written in the transaction …
            raise Boom
    assert not Notification.objects.exists()  # … and gone with it
    assert not Outbox.objects.exists()
    assert wakes == []


def test_a_committed_change_wakes_a_worker_once(
    demo_org: None, wakes: list[int], django_capture_on_commit_callbacks
) -> None:
    """After the commit of a change that wrote outbox rows, a worker is asked to deliver — once."""
    ticket = drive(Status.NEW)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    assert Outbox.objects.filter(event="dispatched").count() == 2
    assert wakes == [1]


def test_a_change_without_messages_to_send_wakes_nobody(
    demo_org: None, wakes: list[int], django_capture_on_commit_callbacks
) -> None:
    """Acknowledging tells nobody: no outbox row, no wake-up."""
    ticket = drive(Status.DISPATCHED)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_acknowledge(actor=user("officer"), ticket=ticket)
    assert wakes == []


def test_staff_never_see_the_requesters_phone_or_email(demo_org: None) -> None:
    """R10.2: a requester who writes their number and address into the request is masked in every message to
    staff (inbox, email) — while their own receipt reaches them at the full address."""
    ticket = web_request(content="宿舍没有热水，请回电13812345678或发邮件到 li.xm@example.com，谢谢。")
    services.ticket_dispatch(actor=user("dispatcher"), ticket=ticket, lead_unit=unit("logistics"))
    staff_texts = [
        *Notification.objects.filter(event="dispatched").values_list("title", "body"),
        *Outbox.objects.filter(event="dispatched").values_list("subject", "body"),
    ]
    assert staff_texts
    for title, body in staff_texts:
        for text in (title, body):
            assert "13812345678" not in text
            assert "li.xm@example.com" not in text
    assert any("138****5678" in body and "l***@example.com" in body for _t, body in staff_texts)
    [receipt] = Outbox.objects.filter(event="received", channel="email")
    assert receipt.address == "student@demo.jiesu.edu.cn"
    # The receipt quotes the request's title, which is stored with contacts masked (R10.2) for everyone.
    assert "138****5678" in receipt.body and "13812345678" not in receipt.body


def test_staff_messages_never_carry_the_contact_fields(demo_org: None) -> None:
    """R10.2: the caller's phone and email on the ticket appear in no staff message."""
    ticket = hotline_call(phone="13700001234", email="caller@example.com", acknowledge=True)
    services.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
    services.reply_submit(actor=user("officer"), ticket=ticket, body="已安排维修。")
    staff = Notification.objects.filter(event="reply_awaiting_approval")
    assert staff.exists()
    for row in [
        *staff.values_list("body", flat=True),
        *Outbox.objects.exclude(event="received").values_list("body", flat=True),
    ]:
        assert "13700001234" not in row
        assert "caller@example.com" not in row


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("电话13812345678", "电话138****5678"),
        ("电话 138-1234-5678 谢谢", "电话 138****5678 谢谢"),
        ("座机88561833", "座机******33"),
        ("写信到 a.b@x.edu.cn 吧", "写信到 a***@x.edu.cn 吧"),
        ("3号楼302室，12度", "3号楼302室，12度"),
        ("2026-12-07提交，学号2023001234", "2026-12-07提交，学号2023001234"),  # dates and 学号 are no contact
    ],
)
def test_redaction_masks_contacts_in_free_text(text: str, masked: str) -> None:
    """R10.2: phone numbers and email addresses written into a subject are masked; room numbers are not."""
    assert mask_contacts(text) == masked


def test_notify_users_writes_inbox_and_chosen_channels(demo_org: None) -> None:
    """notify_users (summaries, digests): one inbox row per person plus their email; returns rows written."""
    written = notify.notify_users(
        "digest", [user("head"), user("officer")], title="每日摘要", body="待办 3 件。", url="/work/inbox/"
    )
    assert written == 4
    assert set(Notification.objects.filter(event="digest").values_list("recipient__username", flat=True)) == {
        "head",
        "officer",
    }
    mail = Outbox.objects.filter(event="digest", channel="email").first()
    assert mail is not None
    assert mail.subject == "【接诉即办】每日摘要"
    assert f"{settings.JIESU_SITE_URL}/work/inbox/" in mail.body
