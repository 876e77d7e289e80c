"""The ticket page (issue 4 item 7, rules §10): who sees it, masked contacts and the audited reveal, the
requester's plain-words view, and the action forms each person is offered and may post."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiesu.tickets import services
from jiesu.tickets.models import Event, Note, Reply, Ticket
from jiesu.tickets.states import Status
from jiesu.tickets.views.actions import SPECS
from tests.support import (
    PHONE,
    dispatched,
    handling,
    new_ticket,
    pending,
    signed_in,
    unit,
    user,
)

pytestmark = pytest.mark.django_db
MASKED = "138****5678"


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization, loaded with fast password hashes."""


def _page(username: str, ticket: Ticket) -> str:
    response = signed_in(username).get(reverse("work:ticket", args=[ticket.number]))
    assert response.status_code == 200, (username, response.status_code)
    return response.content.decode()


def _forms(html: str) -> set[str]:
    return {name for name in SPECS if f'data-testid="form-{name}"' in html}


@pytest.mark.parametrize("username", ["library_officer", "library_head", "teacher", "assessor", "zz_student"])
def test_people_who_may_not_see_the_ticket_get_404_from_the_page_and_every_post(username: str) -> None:
    """R10.1 / R10.3: another unit, another requester and the assessors get 404 from the ticket page, every
    action post and the contact reveal, and nothing is written."""
    ticket = handling("direct")
    client = signed_in(username)
    events = Event.objects.count()
    assert client.get(reverse("work:ticket", args=[ticket.number])).status_code == 404
    for action in SPECS:
        response = client.post(
            reverse("work:act", args=[ticket.number, action]), {"body": "x", "comment": "x"}
        )
        assert response.status_code == 404, action
    assert client.post(reverse("work:reveal", args=[ticket.number])).status_code == 404
    assert Event.objects.count() == events


def test_an_unknown_number_or_action_is_404() -> None:
    """No ticket page or action exists for numbers or actions that do not exist."""
    ticket = handling("direct")
    client = signed_in("officer")
    assert client.get(reverse("work:ticket", args=["20990101-000001"])).status_code == 404
    assert client.post(reverse("work:act", args=[ticket.number, "close_everything"])).status_code == 404


@pytest.mark.parametrize(
    "username", ["officer", "head", "handler", "nic_officer", "dispatcher", "leader", "inspector", "student"]
)
def test_everyone_who_may_see_the_ticket_gets_the_page(username: str) -> None:
    """The lead unit, a co-handling unit, the Office, leaders, inspectors and the requester open the page."""
    ticket = handling("direct", cohandling=["nic"])
    assert ticket.number in _page(username, ticket)


def test_the_phone_is_masked_for_a_co_handling_officer_who_cannot_reveal_it() -> None:
    """R10.2: a co-handling unit sees 138****5678, has no "show contact" button, and a reveal is refused (403)
    without an audit row."""
    ticket = handling("direct", cohandling=["nic"])
    html = _page("nic_officer", ticket)
    assert MASKED in html and PHONE not in html
    assert 'data-testid="reveal-contact"' not in html
    response = signed_in("nic_officer").post(
        reverse("work:reveal", args=[ticket.number]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 403
    assert PHONE not in response.content.decode()
    assert not Event.objects.filter(ticket=ticket, action="reveal_contact").exists()


def test_the_lead_officer_reveals_the_phone_and_the_view_is_audited() -> None:
    """R10.2: the lead unit's officer is offered "show contact"; the reveal shows the full phone and writes a
    reveal_contact event naming the officer. The page itself never shows the full phone unaudited."""
    ticket = handling("direct")
    html = _page("officer", ticket)
    assert MASKED in html and PHONE not in html
    assert 'data-testid="reveal-contact"' in html
    response = signed_in("officer").post(
        reverse("work:reveal", args=[ticket.number]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'data-testid="contact-phone">{PHONE}<' in response.content.decode()
    event = Event.objects.get(ticket=ticket, action="reveal_contact")
    assert event.actor == user("officer")
    full_page = signed_in("dispatcher").post(reverse("work:reveal", args=[ticket.number]))
    assert full_page.status_code == 200 and PHONE in full_page.content.decode()
    assert Event.objects.filter(ticket=ticket, action="reveal_contact").count() == 2


def test_the_requester_sees_public_steps_and_sent_replies_only() -> None:
    """R10.1: the requester's page shows the public timeline in plain words and the sent replies; no internal
    notes, drafts, returned replies, history actors or staff names."""
    ticket = handling("department")
    officer = user("officer")
    services.contact_log(actor=officer, ticket=ticket, body="内部记录：已电话联系，学生情绪激动。")
    services.initial_reply_send(
        actor=officer,
        ticket=ticket,
        body="已收到，正在安排检修。",
        planned_date=timezone.localdate() + dt.timedelta(days=7),
    )
    services.reply_submit(actor=officer, ticket=ticket, body="草稿：暂不发送的回复。")
    services.reply_return(actor=user("head"), ticket=ticket, comment="请补充维修时间。")
    response = signed_in("student").get(reverse("work:ticket", args=[ticket.number]))
    html = response.content.decode()
    assert response.templates[0].name == "tickets/ticket/requester.html"
    assert "已收到，正在安排检修。" in html
    assert "内部记录" not in html and "草稿" not in html and "请补充维修时间" not in html
    for staff in ("officer", "head", "dispatcher"):
        assert user(staff).get_full_name() not in html
    assert "后勤管理处" in html
    public = Event.objects.filter(ticket=ticket, public=True).count()
    assert html.count('data-testid="public-event"') == public
    assert public < Event.objects.filter(ticket=ticket).count()
    assert 'data-testid="history"' not in html and 'data-testid="notes"' not in html
    assert PHONE in html  # their own contact


def test_the_staff_page_shows_the_full_history_with_actors_and_changes() -> None:
    """R10.4: every event with actor, action, status before → after and the reason."""
    ticket = handling("direct")
    services.ticket_set_level(
        actor=user("officer"), ticket=ticket, level="department", reason="需要部门研究。"
    )
    html = _page("head", ticket)
    assert html.count('data-testid="event"') == Event.objects.filter(ticket=ticket).count()
    for action in ("create", "dispatch", "acknowledge", "set_level"):
        assert f'data-action="{action}"' in html
    assert user("officer").get_full_name() in html and "需要部门研究。" in html


def test_forms_follow_the_state_machine_and_the_persons_relation() -> None:
    """states.ACTIONS and permissions.relations decide the forms: the lead unit acknowledges a dispatched
    ticket, a co-handling unit may not; the Office dispatches only new tickets; the head approves."""
    fresh = dispatched(cohandling=["nic"])
    assert "acknowledge" in _forms(_page("officer", fresh))
    assert "acknowledge" not in _forms(_page("nic_officer", fresh))
    assert _forms(_page("dispatcher", fresh)) == {"amend"}
    assert _forms(_page("dispatcher", new_ticket())) == {"dispatch", "amend"}
    waiting = pending()
    assert {"approve_reply", "return_reply"} <= _forms(_page("head", waiting))
    assert not {"approve_reply", "return_reply"} & _forms(_page("officer", waiting))
    working = handling("department")
    officer_forms = _forms(_page("officer", working))
    assert {
        "set_level",
        "log_contact",
        "request_cohandling",
        "send_initial_reply",
        "escalate",
        "record_third_party",
        "submit_reply",
        "request_redispatch",
        "amend",
    } <= officer_forms
    assert "move_planned_date" not in officer_forms
    assert _forms(_page("student", working)) == set()
    assert _forms(_page("inspector", working)) == set()


def test_acknowledging_from_the_ticket_page_redirects_with_a_message_and_records_it() -> None:
    """Each POST calls one service; on success the page is shown again with the change."""
    ticket = dispatched()
    response = signed_in("officer").post(reverse("work:act", args=[ticket.number, "acknowledge"]))
    assert response.status_code == 302 and response["Location"] == reverse(
        "work:ticket", args=[ticket.number]
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.HANDLING
    assert Event.objects.filter(ticket=ticket, action="acknowledge", actor=user("officer")).exists()


def test_a_refused_action_re_renders_with_the_message_and_changes_nothing() -> None:
    """A DomainError is shown beside its field with status 400 (full page, or the form alone for htmx)."""
    ticket = handling("direct")
    client = signed_in("officer")
    url = reverse("work:act", args=[ticket.number, "set_level"])
    page = client.post(url, {"level": "school", "reason": ""})
    assert page.status_code == 400
    assert 'data-testid="field-error"' in page.content.decode()
    assert 'data-testid="history"' in page.content.decode()
    partial = client.post(url, {"level": "school", "reason": ""}, headers={"HX-Request": "true"})
    assert partial.status_code == 400
    body = partial.content.decode()
    assert body.lstrip().startswith("<form") and 'data-testid="form-set_level"' in body
    assert Ticket.objects.get(pk=ticket.pk).level == "direct"
    assert not Event.objects.filter(ticket=ticket, action="set_level", after__level="school").exists()


def test_an_action_the_person_may_not_take_is_refused_with_403() -> None:
    """A co-handling officer sees the ticket but may not acknowledge it: the service refuses (NotAllowed)."""
    ticket = dispatched(cohandling=["nic"])
    response = signed_in("nic_officer").post(reverse("work:act", args=[ticket.number, "acknowledge"]))
    assert response.status_code == 403
    assert Ticket.objects.get(pk=ticket.pk).status == Status.DISPATCHED


def test_the_lead_unit_works_the_ticket_through_the_page() -> None:
    """Handling by forms (R4.2, R3.3, R6.3, R6.5, R1.2): initial reply, date move, co-handling, escalation,
    third party, amendment and the formal reply each leave their record."""
    ticket = handling("department")
    client = signed_in("officer")
    planned = timezone.localdate() + dt.timedelta(days=10)

    def post(action: str, data: dict[str, object]) -> None:
        response = client.post(reverse("work:act", args=[ticket.number, action]), data)
        assert response.status_code == 302, (action, response.content.decode()[:2000])

    post("send_initial_reply", {"body": "已收到，研究后答复。", "planned_date": planned.isoformat()})
    post(
        "move_planned_date",
        {"planned_date": (planned + dt.timedelta(days=3)).isoformat(), "reason": "需等待配件。"},
    )
    post("request_cohandling", {"unit": unit("assets").pk, "request": "请确认暖气片库存。"})
    post("escalate", {"leader": user("leader").pk, "body": "请批示是否更换管道。"})
    post("record_third_party", {"party": "供暖公司", "body": "约定周三上门。"})
    post("log_contact", {"body": "已电话告知进展。"})
    post("amend", {"body": "补充：302室为女生宿舍。"})
    post(
        "submit_reply",
        {"kind": "answer", "body": "已更换暖气片，室温恢复正常。", "suggestion": "", "repeat_of": ""},
    )
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING_APPROVAL
    assert ticket.planned_reply_date == planned + dt.timedelta(days=3)
    kinds = set(Note.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == {"escalation", "third_party", "contact", "amendment"}
    assert Reply.objects.filter(ticket=ticket, stage="initial", state="sent").exists()
    assert ticket.cohandling.filter(unit=unit("assets")).exists()


def test_a_repeat_reply_offers_the_requesters_earlier_tickets() -> None:
    """R6.1: the formal reply form lists repeat candidates; choosing one links the original."""
    original = handling("direct")
    repeat = handling("direct")
    html = _page("officer", repeat)
    assert f'value="{original.pk}"' in html
    response = signed_in("officer").post(
        reverse("work:act", args=[repeat.number, "submit_reply"]),
        {
            "kind": "repeat",
            "body": "与此前诉求相同，正在处理中。",
            "repeat_of": original.pk,
        },
    )
    assert response.status_code == 302
    assert Ticket.objects.get(pk=repeat.pk).repeat_of_id == original.pk


def test_a_phone_typed_into_the_request_is_masked_like_the_contact_until_revealed() -> None:
    """R10.2: a requester who types their number into the request itself gets the same protection as the
    contact field. The subject (its first line: every list, message and report) is stored masked; the content
    shows masked to staff until the audited reveal, which swaps the full text in with the contact; the
    requester sees their own words in full."""
    words = "我手机13900001111，邮箱li@example.cn\n宿舍楼3号楼暖气不热，请尽快维修。"
    ticket = handling("direct", content=words)
    assert ticket.subject == "我手机139****1111，邮箱l***@example.cn"
    assert ticket.content == words  # the request's words are kept as written (R1.2)
    for username in ("officer", "head", "dispatcher", "leader"):
        html = _page(username, ticket)
        assert "13900001111" not in html and "li@example.cn" not in html, username
        assert "我手机139****1111，邮箱l***@example.cn" in html
    queue = signed_in("dispatcher").get(reverse("work:dispatch")).content.decode()
    assert "13900001111" not in queue
    revealed = signed_in("officer").post(
        reverse("work:reveal", args=[ticket.number]), headers={"HX-Request": "true"}
    )
    text = revealed.content.decode()
    assert revealed.status_code == 200
    assert 'id="request-text" hx-swap-oob="true"' in text and "我手机13900001111，邮箱li@example.cn" in text
    assert Event.objects.filter(ticket=ticket, action="reveal_contact", actor=user("officer")).count() == 1
    mine = signed_in("student").get(reverse("work:ticket", args=[ticket.number])).content.decode()
    assert "我手机13900001111" in mine


def test_submitting_a_reply_that_deflects_tells_the_drafter_at_once() -> None:
    """R6.5 / Art. 9.6: the officer learns on submitting that the head cannot approve the wording; the reword
    form then starts from the draft itself."""
    ticket = handling("direct")
    client = signed_in("officer")
    url = reverse("work:act", args=[ticket.number, "submit_reply"])
    done = client.post(
        url,
        {
            "kind": "out_of_remit",
            "body": "经核实，该问题不属于我处职责。",
            "suggestion": "请您自行联系物业公司处理。",
        },
        follow=True,
    )
    page = done.content.decode()
    assert "部门负责人无法批准" in page and "第九条" in page
    form = page[page.index('data-testid="form-reword_reply"') :]
    assert "经核实，该问题不属于我处职责。" in form[: form.index("</form>")]
