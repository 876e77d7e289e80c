"""Browser: the head approves the reply → the requester opens the rating link (no sign-in) and rates it
dissatisfied → the ticket is reopened → the officer drafts a new reply → the head approves it → the requester
rates it satisfied from "My requests" → closed (issue 5; R7.1, R7.2, R4.3). A screenshot per step."""

from __future__ import annotations

from jiesu.org.models import Campus, Unit, User
from jiesu.tickets import rating, services
from jiesu.tickets.models import Ticket
from jiesu.tickets.states import Status
from tests.browser.test_lifecycle import sign_in, sign_out
from tests.support import sent_rating_token

FIRST = "您好，后勤管理处已安排维修师傅上门检修，暖气阀门已调整。"
SECOND = "您好，回访中您反映暖气仍不热。我处已更换302室暖气片并冲洗管道，经测量室温已达20度。如仍有问题请随时联系。"


def _awaiting_approval() -> Ticket:
    """A web request from the demo student, handled by 后勤管理处 up to the head's approval (through the services;
    the steps before are the lifecycle test's)."""
    student = User.objects.get(username="student")
    student.phone = "13812345678"
    student.save(update_fields=["phone"])
    officer = User.objects.get(username="officer")
    ticket = services.ticket_create(
        actor=student,
        channel="web",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        subject="宿舍暖气不热",
        content="学生公寓3号楼302室暖气片不热，室温只有12度，请尽快维修。",
        requester=student,
    ).ticket
    services.ticket_dispatch(
        actor=User.objects.get(username="dispatcher"),
        ticket=ticket,
        lead_unit=Unit.objects.get(code="logistics"),
    )
    services.ticket_acknowledge(actor=officer, ticket=ticket)
    services.ticket_set_level(actor=officer, ticket=ticket, level="direct")
    services.reply_submit(actor=officer, ticket=ticket, body=FIRST)
    return ticket


def _approve(page, number: str, shot_name: str, shot) -> None:
    sign_in(page, "head")
    page.goto(page.base_url + "/work/approvals/")
    row = page.locator(f"[data-testid=row][data-number='{number}']")
    shot(page, shot_name)
    row.locator("[data-testid=form-approve_reply] button[type=submit]").click()
    page.wait_for_selector(f"[data-testid=row][data-number='{number}']", state="detached")
    sign_out(page)


def test_rated_dissatisfied_reopened_replied_again_rated_satisfied_closed(page, live_demo_org, shot) -> None:
    """A dissatisfied rating by the link reopens the ticket; the new reply, once approved, is rated satisfied
    from "My requests" and the ticket closes (R7.1, R7.2)."""
    ticket = _awaiting_approval()
    number = ticket.number

    # 1. The head approves the formal reply (R4.3); the follow-up clock starts (R4.6).
    _approve(page, number, "followup-1-head-approves", shot)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.REPLIED

    # 2. The requester opens the rating link of the reply notification — no sign-in — and is not satisfied.
    page.goto(page.base_url + rating.rating_path(sent_rating_token(ticket)))
    assert page.locator("[data-testid=rating-number]").inner_text().strip() == number
    assert FIRST in page.locator("[data-testid=rating-reply]").inner_text()
    page.check("input[name=outcome][value=dissatisfied]")
    page.check("input[name=resolved][value='0']")
    page.fill("textarea[name=comment]", "暖气还是不热，晚上很冷。")
    shot(page, "followup-2-rating-link")
    page.click("[data-testid=rating-submit]")
    page.wait_for_selector("[data-testid=rating-reopened]")
    shot(page, "followup-3-reopened")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.HANDLING, 2)

    # 3. The officer sees the reopened ticket (round 2, a new 1-working-day reply clock) and drafts a new reply.
    sign_in(page, "officer")
    page.goto(page.base_url + f"/tickets/{number}/")
    page.wait_for_selector("[data-testid=event][data-action=reopened]")
    assert page.locator("[data-testid=followup-result][data-outcome=dissatisfied]").count() == 1
    page.locator("[data-testid=action-submit_reply] summary").click()
    page.locator("[data-testid=form-submit_reply] textarea[name=body]").fill(SECOND)
    shot(page, "followup-4-new-draft")
    page.locator("[data-testid=form-submit_reply] button[type=submit]").click()
    page.wait_for_selector("[data-testid=reply][data-state=pending]")
    sign_out(page)

    # 4. The head approves the round-2 reply; a new follow-up starts.
    _approve(page, number, "followup-5-head-approves-again", shot)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED

    # 5. The requester rates the new reply from "My requests": satisfied and resolved → closed (销账).
    sign_in(page, "student")
    page.goto(page.base_url + "/requests/mine/")
    row = page.locator(f"[data-testid=my-request][data-number='{number}']")
    shot(page, "followup-6-my-requests")
    row.locator("[data-testid=rate-mine]").click()
    assert SECOND in page.locator("[data-testid=rating-reply]").inner_text()
    page.check("input[name=outcome][value=satisfied]")
    page.check("input[name=resolved][value='1']")
    shot(page, "followup-7-rate-from-my-requests")
    page.click("[data-testid=rating-submit]")
    page.wait_for_selector("[data-testid=rating-closed]")
    shot(page, "followup-8-closed")
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.CLOSED, 2)
    page.goto(page.base_url + f"/tickets/{number}/")
    assert page.locator("[data-testid=rate-link]").count() == 0
    shot(page, "followup-9-requester-timeline")
