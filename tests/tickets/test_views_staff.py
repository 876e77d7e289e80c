"""Staff worklists (issue 4 item 7): who may open each list, what it shows, and the actions taken from it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from jiesu.tickets import services
from jiesu.tickets.models import (
    CohandlingRequest,
    Event,
    Note,
    RedispatchRequest,
    Reply,
    Ticket,
    TicketCohandlingUnit,
)
from jiesu.tickets.states import Status
from jiesu.tickets.views.worklists import home_counts
from tests.support import (
    THIRD_PARTY_TEXT,
    dispatched,
    handling,
    new_ticket,
    pending,
    pending_reply,
    signed_in,
    unit,
    user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization, loaded with fast password hashes."""


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in get_messages(response.wsgi_request)]


def _rows(response) -> list[str]:
    return re.findall(r'data-testid="row" data-number="([\d-]+)"', response.content.decode())


PAGES = [
    "work:inbox",
    "work:approvals",
    "work:dispatch",
    "work:overdue",
    "work:redispatch",
    "work:instructions",
    "work:cohandling",
]
ALLOWED = {
    "work:inbox": {"officer", "head", "handler", "library_officer", "library_head"},
    "work:approvals": {"head", "library_head"},
    "work:dispatch": {"dispatcher", "duty"},
    "work:overdue": {"dispatcher", "duty", "leader", "leader_president", "inspector"},
    "work:redispatch": {"dispatcher", "duty"},
    "work:instructions": {"leader", "leader_president"},
    "work:cohandling": {"officer", "head", "handler", "library_officer", "library_head"},
}
PEOPLE = [
    "officer",
    "head",
    "handler",
    "library_officer",
    "library_head",
    "dispatcher",
    "duty",
    "leader",
    "leader_president",
    "inspector",
    "assessor",
    "student",
    "teacher",
    "admin",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_worklist_opens_for_its_roles_and_is_forbidden_to_everyone_else(page: str) -> None:
    """Worklists are for the roles that work on them: 200 for those, 403 for other signed-in people."""
    for username in PEOPLE:
        response = signed_in(username).get(reverse(page))
        expected = 200 if username in ALLOWED[page] else 403
        assert response.status_code == expected, (page, username, response.status_code)


def test_worklists_send_anonymous_people_to_sign_in(client) -> None:
    """Nobody sees a worklist without signing in."""
    for page in PAGES:
        response = client.get(reverse(page))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


@time_machine.travel(dt.datetime(2026, 3, 10, 1, 0, tzinfo=dt.UTC), tick=False)  # a Tuesday, 09:00 in Beijing
def test_inbox_lists_my_units_open_tickets_nearest_deadline_first_with_rule_badges() -> None:
    """R4.8: the inbox sorts by the nearest deadline; each badge carries its state and the rule in words."""
    later = handling("direct")  # reply clock: end of the next working day
    sooner = dispatched()  # response clock: 2 hours (R4.1)
    other = dispatched(lead="library")
    response = signed_in("officer").get(reverse("work:inbox"))
    assert response.status_code == 200
    assert _rows(response) == [sooner.number, later.number]
    html = response.content.decode()
    assert other.number not in html
    response_rule = sooner.clocks.get(kind="response").rule
    assert response_rule and f'title="{response_rule}"' in html
    assert 'data-testid="clock-badge" data-state="ok"' in html


def test_inbox_filters_by_status_and_search() -> None:
    """Filters narrow the inbox: status, and the search on number or subject."""
    waiting = dispatched()
    taken = handling("direct", content="食堂二楼的饭菜太咸了，希望改进。")
    client = signed_in("officer")
    assert _rows(client.get(reverse("work:inbox"), {"status": "dispatched"})) == [waiting.number]
    assert _rows(client.get(reverse("work:inbox"), {"q": "食堂"})) == [taken.number]
    assert _rows(client.get(reverse("work:inbox"), {"q": taken.number})) == [taken.number]
    assert set(_rows(client.get(reverse("work:inbox"), {"status": "bogus"}))) == {
        waiting.number,
        taken.number,
    }


def test_bulk_acknowledge_acknowledges_each_and_reports_every_failure_in_words() -> None:
    """R4.1 in bulk: the dispatched ones are acknowledged; an already acknowledged one and another unit's
    ticket are refused one by one, each with its message, and keep their state."""
    first, second = dispatched(), dispatched()
    already = handling("direct")
    foreign = dispatched(lead="library")
    response = signed_in("officer").post(
        reverse("work:bulk_acknowledge"),
        {"tickets": [first.number, already.number, second.number, foreign.number]},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("work:inbox")
    statuses = dict(Ticket.objects.values_list("number", "status"))
    assert statuses[first.number] == statuses[second.number] == Status.HANDLING
    assert statuses[already.number] == Status.HANDLING
    assert statuses[foreign.number] == Status.DISPATCHED
    notes = _messages(response)
    successes = [text for tag, text in notes if tag == "success"]
    failures = [text for tag, text in notes if tag == "error"]
    assert len(successes) == 1 and first.number in successes[0] and second.number in successes[0]
    assert len(failures) == 2
    assert already.number in failures[0] and foreign.number in failures[1]
    assert Event.objects.filter(action="acknowledge", ticket__number=already.number).count() == 1


def test_bulk_acknowledge_without_a_ticket_says_so() -> None:
    """Submitting nothing changes nothing and tells the person to tick tickets."""
    response = signed_in("officer").post(reverse("work:bulk_acknowledge"), {})
    assert response.status_code == 302
    assert [tag for tag, _text in _messages(response)] == ["error"]


def test_approvals_show_the_draft_and_approving_sends_it() -> None:
    """R4.3: the head sees the draft on the queue; approving sends it and the ticket leaves the queue."""
    ticket = pending()
    client = signed_in("head")
    page = client.get(reverse("work:approvals"))
    assert _rows(page) == [ticket.number]
    assert "已安排维修师傅今天下午上门检修暖气。" in page.content.decode()
    assert 'data-testid="third-party-flag"' not in page.content.decode()
    url = reverse("work:act", args=[ticket.number, "approve_reply"])
    response = client.post(url, {"comment": "", "next": reverse("work:approvals")})
    assert response.status_code == 302 and response["Location"] == reverse("work:approvals")
    ticket.refresh_from_db()
    assert ticket.status == Status.REPLIED
    assert Reply.objects.get(ticket=ticket, stage="formal").state == Reply.State.SENT
    assert _rows(client.get(reverse("work:approvals"))) == []


def test_returning_a_draft_needs_a_comment_and_sends_it_back_to_handling() -> None:
    """R4.3: a return without a comment is refused (400); with one, the unit gets the draft back."""
    ticket = pending()
    client = signed_in("head")
    url = reverse("work:act", args=[ticket.number, "return_reply"])
    refused = client.post(url, {"comment": "  "})
    assert refused.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_APPROVAL
    done = client.post(url, {"comment": "请写明上门时间。", "next": reverse("work:approvals")})
    assert done.status_code == 302
    assert Ticket.objects.get(pk=ticket.pk).status == Status.HANDLING
    assert Reply.objects.get(ticket=ticket).review_comment == "请写明上门时间。"


def test_a_flagged_reply_is_shown_prominently_and_cannot_be_approved() -> None:
    """R6.5 / Art. 9.6: the flag stands out on the queue, which offers no approval for it (only the return);
    a forged approval post is refused with the 第九条 message and leaves the reply pending."""
    ticket = pending(body=THIRD_PARTY_TEXT)
    assert pending_reply(ticket).third_party_flag
    client = signed_in("head")
    html = client.get(reverse("work:approvals")).content.decode()
    assert 'data-testid="third-party-flag"' in html and "第九条" in html
    assert 'data-testid="form-approve_reply"' not in html and 'data-testid="form-return_reply"' in html
    url = reverse("work:act", args=[ticket.number, "approve_reply"])
    refused = client.post(url, {"comment": ""}, headers={"HX-Request": "true"})
    assert refused.status_code == 400
    assert "第九条" in refused.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Status.PENDING_APPROVAL


def test_a_reply_flagged_by_its_suggestion_is_reworded_on_the_ticket_page() -> None:
    """R6.5 / Art. 9.6: a draft whose suggestion sends the requester to a third party is flagged like a body
    that does; the reword form offers the suggestion (filled with the draft's own), refuses keeping it with the
    第九条 message, and sends the reworded draft to the head once the suggestion is the unit's own words."""
    ticket = handling()
    deflecting = "请您自行联系物业公司处理。"
    services.reply_submit(
        actor=user("officer"), ticket=ticket, body="经核实，该问题由物业负责维修。", suggestion=deflecting
    )
    assert pending_reply(ticket).third_party_flag
    services.third_party_record(
        actor=user("officer"), ticket=ticket, party="物业公司", body="约定明日上午上门维修。"
    )
    client = signed_in("officer")
    html = client.get(reverse("work:ticket", args=[ticket.number])).content.decode()
    form = html[html.index('data-testid="form-reword_reply"') :]
    assert deflecting in form[: form.index("</form>")]
    url = reverse("work:act", args=[ticket.number, "reword_reply"])
    body = "我处已联系物业公司，物业将于明日上午上门维修。"
    refused = client.post(url, {"body": body, "suggestion": deflecting}, headers={"HX-Request": "true"})
    assert refused.status_code == 400 and "第九条" in refused.content.decode()
    assert pending_reply(ticket).suggestion == deflecting
    done = client.post(url, {"body": body, "suggestion": "如仍有问题，请随时告知我处。"})
    assert done.status_code == 302
    reworded = pending_reply(ticket)
    assert (reworded.suggestion, reworded.third_party_flag) == ("如仍有问题，请随时告知我处。", False)


def test_dispatch_from_the_queue_sets_the_lead_and_co_handling_units() -> None:
    """R4.5 / R3.3: the Office dispatches from its queue, oldest first, naming co-handlers."""
    older, newer = new_ticket(), new_ticket("图书馆三楼自习室晚上太吵，希望加强管理。")
    client = signed_in("dispatcher")
    page = client.get(reverse("work:dispatch"))
    assert _rows(page) == [older.number, newer.number]
    same_day = older.clocks.get(kind="dispatch")  # R4.5
    assert f'title="{same_day.rule}"' in page.content.decode()
    assert page.content.decode().count('data-testid="clock-badge"') == 2
    response = client.post(
        reverse("work:act", args=[newer.number, "dispatch"]),
        {
            "lead_unit": unit("library").pk,
            "cohandling_units": [unit("security").pk],
            "note": "",
            "next": reverse("work:dispatch"),
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse("work:dispatch")
    newer.refresh_from_db()
    assert newer.status == Status.DISPATCHED and newer.lead_unit == unit("library")
    assert TicketCohandlingUnit.objects.filter(ticket=newer, unit=unit("security")).exists()
    assert _rows(client.get(reverse("work:dispatch"))) == [older.number]


def test_dispatch_without_a_unit_is_refused_and_changes_nothing() -> None:
    """A dispatch form without the lead unit answers 400 and the ticket still waits."""
    ticket = new_ticket()
    response = signed_in("dispatcher").post(
        reverse("work:act", args=[ticket.number, "dispatch"]), {"lead_unit": ""}
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW


def test_overdue_board_lists_breached_tickets_with_counts_per_unit() -> None:
    """Overdue tickets across units, with the count per unit; tickets still on time are not listed."""
    start = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        late_logistics = [dispatched(), dispatched()]
        late_library = dispatched(lead="library")
    with time_machine.travel(start + dt.timedelta(hours=5), tick=False):
        fresh = dispatched()
        response = signed_in("dispatcher").get(reverse("work:overdue"))
        rows = _rows(response)
        assert set(rows) == {t.number for t in [*late_logistics, late_library]}
        assert fresh.number not in rows
        counts = dict(
            re.findall(
                r"<td>([^<]+)</td><td data-testid=\"unit-count\">(\d+)</td>", response.content.decode()
            )
        )
        assert counts == {"后勤管理处": "2", "图书馆": "1"}
        only_library = signed_in("dispatcher").get(reverse("work:overdue"), {"unit": unit("library").pk})
        assert _rows(only_library) == [late_library.number]


def test_redispatch_requests_are_approved_or_rejected_and_counted() -> None:
    """R3.2: the Office approves with a new lead unit or rejects with a note; both outcomes are counted."""
    moved, kept = handling("direct"), handling("direct")
    for ticket in (moved, kept):
        services.redispatch_request(actor=user("officer"), ticket=ticket, reason="属于图书馆的职责范围。")
    client = signed_in("dispatcher")
    assert set(_rows(client.get(reverse("work:redispatch")))) == {moved.number, kept.number}
    first = RedispatchRequest.objects.get(ticket=moved)
    second = RedispatchRequest.objects.get(ticket=kept)
    refused = client.post(
        reverse("work:redispatch_decide", args=[second.pk]), {"decision": "reject", "note": ""}
    )
    assert refused.status_code == 400
    approve = client.post(
        reverse("work:redispatch_decide", args=[first.pk]),
        {"decision": "approve", "new_unit": unit("library").pk},
    )
    reject = client.post(
        reverse("work:redispatch_decide", args=[second.pk]),
        {"decision": "reject", "note": "暖气维修属于后勤管理处。"},
    )
    assert approve.status_code == reject.status_code == 302
    assert Ticket.objects.get(pk=moved.pk).lead_unit == unit("library")
    assert Ticket.objects.get(pk=kept.pk).lead_unit == unit("logistics")
    page = client.get(reverse("work:redispatch"))
    assert _rows(page) == []
    assert 'data-approved="1" data-rejected="1"' in page.content.decode()


def test_a_leader_sees_requests_for_an_instruction_and_records_one() -> None:
    """R6.3: an escalation appears on the leader's list; recording the instruction answers it."""
    ticket = handling("school")
    services.escalate(
        actor=user("officer"), ticket=ticket, leader=user("leader"), body="需协调供暖公司，请批示。"
    )
    client = signed_in("leader")
    assert _rows(client.get(reverse("work:instructions"))) == [ticket.number]
    assert _rows(signed_in("leader_president").get(reverse("work:instructions"))) == []
    response = client.post(
        reverse("work:act", args=[ticket.number, "instruct"]),
        {"body": "请后勤管理处三日内解决。", "next": reverse("work:instructions")},
    )
    assert response.status_code == 302
    assert Note.objects.filter(
        ticket=ticket, kind=Note.Kind.INSTRUCTION, body="请后勤管理处三日内解决。"
    ).exists()
    assert _rows(client.get(reverse("work:instructions"))) == []


def test_a_co_handling_unit_answers_from_its_list() -> None:
    """R3.3: the asked unit sees the request and answers it with reason and progress: the request stays on its
    list (a continuation with a new clock) until the written result closes it."""
    ticket = handling("direct")
    services.cohandling_request(
        actor=user("officer"), ticket=ticket, unit=unit("library"), request="请提供閉馆时间。"
    )
    client = signed_in("library_officer")
    assert _rows(client.get(reverse("work:cohandling"))) == [ticket.number]
    assert _rows(signed_in("officer").get(reverse("work:cohandling"))) == []
    item = CohandlingRequest.objects.get(ticket=ticket)
    response = client.post(
        reverse("work:act", args=[ticket.number, "answer_cohandling"]),
        {"item": item.pk, "finished": "0", "answer": "正在核对。", "reason": "须查阅往年记录，周五前答复。"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.answered_at is not None and item.finished is False and item.answer == "正在核对。"
    assert _rows(client.get(reverse("work:cohandling"))) == [ticket.number]
    response = client.post(
        reverse("work:act", args=[ticket.number, "answer_cohandling"]),
        {"item": item.continuations.get().pk, "finished": "1", "answer": "闭馆时间为22:00。"},
    )
    assert response.status_code == 302
    assert _rows(client.get(reverse("work:cohandling"))) == []


def test_home_counts_name_each_worklist_of_the_person_with_its_size() -> None:
    """The home page's counts: one entry per worklist the person has roles for."""
    dispatched()
    pending()
    counts = {url: n for _label, url, n in home_counts(user("head"))}
    assert counts == {
        reverse("work:inbox"): 2,
        reverse("work:cohandling"): 0,
        reverse("work:followups"): 0,  # R4.6 (issue 5)
        reverse("work:approvals"): 1,
    }
    office = {url: n for _label, url, n in home_counts(user("dispatcher"))}
    assert set(office) == {
        reverse("work:dispatch"),
        reverse("work:redispatch"),
        reverse("work:overdue"),
        reverse("work:office_replied"),  # R7.4
        reverse("work:unreachable"),  # R7.3
        reverse("work:report_back"),  # R2.6
    }
    assert home_counts(user("student")) == []


def test_the_nav_snippet_links_the_persons_worklists() -> None:
    """tickets/staff/_nav.html links only the worklists the person works on."""
    html = signed_in("head").get(reverse("work:inbox")).content.decode()
    assert 'data-testid="nav-approvals"' in html and 'data-testid="nav-inbox"' in html
    assert 'data-testid="nav-dispatch"' not in html
