"""The notification pages: my inbox (unread / all, paged), opening and marking read, mark all read (htmx),
my channel settings, the unread badge in the nav, and the Office's undelivered-messages page. Sign-in is
required; a person only ever reaches their own notifications."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from jiesu.notify.context_processors import unread
from jiesu.notify.models import Notification, Outbox, OutboxState, Preference
from jiesu.notify.services import notify_users
from jiesu.tickets.states import Status
from tests.support import drive, user

pytestmark = pytest.mark.django_db

INBOX = "/notifications/"


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def _tell(username: str, count: int, *, url: str = "/work/inbox/") -> list[Notification]:
    notify_users("digest", [user(username)], title="每日摘要", body="待办 3 件。", url=url)
    for n in range(count - 1):
        notify_users("digest", [user(username)], title=f"提醒 {n}", body="", url=url)
    return list(Notification.objects.filter(recipient__username=username).order_by("id"))


@pytest.mark.parametrize("path", [INBOX, "/notifications/settings/", "/notifications/outbox/"])
def test_pages_need_sign_in(demo_org: None, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("web:login"))


def test_the_inbox_lists_my_unread_notifications_newest_first(demo_org: None) -> None:
    """Unread by default, all with ?show=all; other people's never appear."""
    mine = _tell("officer", 3)
    _tell("head", 2)
    Notification.objects.filter(pk=mine[0].pk).update(read_at=mine[0].created_at)
    page = signed_in("officer").get(INBOX).content.decode()
    assert page.count('data-testid="notification"') == 2
    assert "提醒 1" in page
    assert page.index("提醒 1") < page.index("提醒 0")  # newest first
    everything = signed_in("officer").get(INBOX + "?show=all").content.decode()
    assert everything.count('data-testid="notification"') == 3


def test_opening_a_notification_marks_it_read_and_follows_its_link(demo_org: None) -> None:
    [note] = _tell("officer", 1, url="/work/inbox/")
    response = signed_in("officer").get(reverse("notify:open", args=[note.pk]))
    assert response.status_code == 302
    assert response["Location"] == "/work/inbox/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_someone_elses_notification_is_404(demo_org: None) -> None:
    """R10.1 spirit: another person's notification looks like a missing one, to open or to mark."""
    [note] = _tell("head", 1)
    client = signed_in("officer")
    assert client.get(reverse("notify:open", args=[note.pk])).status_code == 404
    assert client.post(reverse("notify:read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_a_link_off_the_site_is_not_followed(demo_org: None) -> None:
    [note] = _tell("officer", 1, url="https://evil.example.com/")
    response = signed_in("officer").get(reverse("notify:open", args=[note.pk]))
    assert response["Location"] == INBOX


def test_mark_one_read_with_htmx_swaps_the_line_and_the_badge(demo_org: None) -> None:
    notes = _tell("officer", 2)
    response = signed_in("officer").post(reverse("notify:read", args=[notes[0].pk]), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-read="1"' in html
    assert 'id="notify-badge"' in html and 'hx-swap-oob="true"' in html
    assert ">1</span>" in html  # one unread left


def test_mark_all_read(demo_org: None) -> None:
    """POST marks every unread notification read; without htmx it redirects back with a message."""
    _tell("officer", 4)
    _tell("head", 1)
    client = signed_in("officer")
    response = client.post(reverse("notify:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient__username="officer", read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient__username="head", read_at__isnull=True).count() == 1
    assert client.get(reverse("notify:read_all")).status_code == 405


def test_mark_all_read_with_htmx_returns_the_list_and_hides_the_badge(demo_org: None) -> None:
    _tell("officer", 2)
    response = signed_in("officer").post(reverse("notify:read_all"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="notify-list"' in html
    assert 'data-testid="empty"' in html
    assert 'hx-swap-oob="true" hidden' in html


def test_the_nav_shows_the_unread_count(demo_org: None) -> None:
    """The badge beside "Notifications" on every page; empty and hidden at zero."""
    _tell("officer", 3)
    home = signed_in("officer").get("/").content.decode()
    assert 'data-testid="nav-notifications"' in home
    assert ">3</span>" in home.split('data-testid="nav-notifications"', 1)[1].split("</a>", 1)[0]
    head_home = signed_in("head").get("/").content.decode()
    assert 'data-testid="notify-badge" hidden' in head_home


def test_the_unread_count_costs_no_query_for_anonymous_visitors(demo_org: None) -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    with CaptureQueriesContext(connection) as captured:
        assert unread(request) == {"notify_unread": 0}
    assert len(captured.captured_queries) == 0
    assert "nav-notifications" not in Client().get("/").content.decode()


def test_the_unread_count_is_one_query(demo_org: None) -> None:
    _tell("officer", 2)
    request = RequestFactory().get("/")
    request.user = user("officer")
    with CaptureQueriesContext(connection) as captured:
        assert unread(request)["notify_unread"]() == 2
    assert len(captured.captured_queries) == 1


def _inbox_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("url", [INBOX, INBOX + "?show=all"])
def test_the_inbox_costs_the_same_queries_for_3_or_30_notifications(demo_org: None, url: str) -> None:
    """Pinned: session, user, roles, the unread badge, the daily report's menu entry (R8.4), the page's COUNT
    and its rows — however many rows."""
    client = signed_in("officer")
    _tell("officer", 3)
    few = _inbox_queries(client, url)
    _tell("officer", 27)
    many = _inbox_queries(client, url)
    assert few == many, (few, many)
    assert many <= 7, many


def test_channel_settings_default_to_email_only_and_save(demo_org: None) -> None:
    """Email on, SMS and WeCom off by default; saving changes which channels later messages use."""
    client = signed_in("officer")
    page = client.get("/notifications/settings/").content.decode()
    assert _checked(page, "email")
    assert not _checked(page, "sms")
    person = user("officer")
    person.phone = "13800002222"
    person.save(update_fields=["phone"])
    response = client.post("/notifications/settings/", {"sms": "on", "wecom": "on"})
    assert response.status_code == 302
    prefs = Preference.objects.get(user=person)
    assert (prefs.email, prefs.sms, prefs.wecom) == (False, True, True)
    drive(Status.DISPATCHED)
    channels = set(
        Outbox.objects.filter(event="dispatched", address__in=["13800002222", "officer"]).values_list(
            "channel", flat=True
        )
    )
    assert channels == {"sms", "wecom"}
    assert not Outbox.objects.filter(event="dispatched", address="officer@demo.jiesu.edu.cn").exists()


def _checked(page: str, name: str) -> bool:
    """Whether the checkbox named ``name`` is rendered checked."""
    before, after = page.split(f'name="{name}"', 1)
    return "checked" in before.rsplit("<input", 1)[1] + after.split(">", 1)[0]


def test_requesters_are_not_offered_wecom_and_never_get_it(demo_org: None) -> None:
    """R10.1: a requester's messages (tracking code, reply, rating link) never go to WeCom, whose webhook
    posts into a staff group chat; the setting is not offered to them, and a forged POST is ignored."""
    client = signed_in("student")
    page = client.get("/notifications/settings/").content.decode()
    assert 'name="wecom"' not in page and 'name="email"' in page
    assert client.post("/notifications/settings/", {"email": "on", "wecom": "on"}).status_code == 302
    assert Preference.objects.get(user__username="student").wecom is False
    drive(Status.REPLIED)
    assert not Outbox.objects.filter(channel="wecom", address="student").exists()


def test_sms_without_a_mobile_number_is_refused_with_a_clear_message(demo_org: None) -> None:
    response = signed_in("officer").post("/notifications/settings/", {"email": "on", "sms": "on"})
    assert response.status_code == 400
    assert "您的账号没有登记手机号码，无法接收短信。" in response.content.decode()
    assert not Preference.objects.filter(user__username="officer").exists()


def _failed_row() -> Outbox:
    return Outbox.objects.create(
        event="received",
        channel="email",
        address="caller@example.com",
        subject="s",
        body="b",
        state=OutboxState.FAILED,
        attempts=8,
        last_error="SMTPDataError: 451",
    )


def test_the_outbox_page_is_the_offices_and_masks_addresses(demo_org: None) -> None:
    """R10.2: the Office sees undelivered messages with contacts masked; unit staff get 403."""
    row = _failed_row()
    assert signed_in("officer").get("/notifications/outbox/").status_code == 403
    page = signed_in("dispatcher").get("/notifications/outbox/").content.decode()
    assert "c***@example.com" in page
    assert "caller@example.com" not in page
    assert f'value="{row.pk}"' in page


def test_the_office_sends_a_failed_message_again(demo_org: None) -> None:
    row = _failed_row()
    sent = Outbox.objects.create(
        event="x", channel="email", address="a@b.cn", body="b", state=OutboxState.SENT
    )
    client = signed_in("dispatcher")
    response = client.post("/notifications/outbox/", {"rows": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts) == (OutboxState.PENDING, 0)
    refused = client.post("/notifications/outbox/", {"rows": [sent.pk]})
    assert refused.status_code == 400
    assert "所选消息已在此期间发出或不存在。" in refused.content.decode()
    sent.refresh_from_db()
    assert sent.state == OutboxState.SENT
