"""Mailbox services (R2.2, R4.7, R1.3, R6.3) as the people live them: a letter is written, triaged on time,
dispatched or submitted to a leader, replied to, and published on the board with its personal data masked."""

from __future__ import annotations

import pytest
import time_machine

from jiesu import privacy
from jiesu.mailbox import selectors, services
from jiesu.mailbox.models import Box, Letter, LetterLog, Publication, Route
from jiesu.tickets import services as tickets
from jiesu.tickets.errors import Conflict, DomainError, NotAllowed
from jiesu.tickets.models import Clock, ClockKind, Event, Note, Ticket
from jiesu.tickets.states import Status
from tests.mailbox.support import unit_replies
from tests.support import at, beijing, reply_and_approve, unit, user

LETTER = (
    "我是计算机学院学生，我叫张小明，学号2021123456。学生公寓3号楼热水经常中断，"
    "希望学校尽快解决。联系电话13812345678，邮箱zxm@bupt.edu.cn。"
)
REPLY = "张小明同学您好：后勤管理处已更换3号楼热水循环泵，热水已恢复。如有问题请联系周敏，电话010-62281234。"


def write(**extra: object) -> tuple[Letter, str]:
    fields: dict[str, object] = {
        "writer": None,
        "box": Box.PRESIDENT,
        "type": "opinion",
        "campus": beijing(),
        "subject": "3号楼热水经常中断",
        "content": LETTER,
    }
    fields.update(extra)
    return services.letter_write(**fields)  # type: ignore[arg-type]


def mailbox_clock(ticket: Ticket) -> Clock:
    return Clock.objects.get(ticket=ticket, kind=ClockKind.MAILBOX)


@pytest.mark.django_db
def test_anonymous_letter_to_published_masked_reply(demo_org: None) -> None:
    """(a) An anonymous letter written on Monday evening is dispatched by the Office on Tuesday (on time, R4.7),
    replied to by the unit, and published once the Office approves the masked text; the board shows no name,
    number, phone or address, and finds it by a Chinese word."""
    with time_machine.travel(at(2026, 12, 7, 20, 30), tick=False):
        letter, code = write()
    ticket = letter.ticket
    assert ticket.channel == "mailbox" and ticket.anonymous and ticket.requester_id is None
    assert ticket.requester_name == "" and ticket.contact_phone == ""
    assert code and ticket.status == Status.NEW
    clock = mailbox_clock(ticket)
    assert clock.due_at == at(2026, 12, 9)  # R4.7: before the end of the day after it arrived
    assert list(selectors.office_queues()["triage"]) == [letter]

    with time_machine.travel(at(2026, 12, 8, 9, 0), tick=False):
        services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    letter.refresh_from_db()
    assert letter.route == Route.PUBLIC
    assert mailbox_clock(ticket).on_time is True
    with pytest.raises(Conflict):
        services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))

    with time_machine.travel(at(2026, 12, 8, 10, 0), tick=False):
        tickets.ticket_acknowledge(actor=user("officer"), ticket=ticket)
        tickets.ticket_set_level(actor=user("officer"), ticket=ticket, level="direct")
        reply_and_approve(ticket, body=REPLY)
    assert list(selectors.office_queues()["publish"]) == [letter]

    names = selectors.names_to_mask(ticket)
    title = privacy.mask(ticket.subject, names)
    question = privacy.mask(ticket.content, names)
    answer = privacy.mask(REPLY, names)
    for datum in ("张小明", "2021123456", "13812345678", "zxm@bupt.edu.cn", "周敏", "010-62281234"):
        assert datum not in question + answer
    with time_machine.travel(at(2026, 12, 8, 15, 0), tick=False):
        publication = services.publication_approve(
            actor=user("dispatcher"), letter=letter, title=title, question=question, answer=answer
        )
    assert publication.box == Box.PRESIDENT and publication.unit_name == unit("logistics").name
    assert list(selectors.board(query="热水")) == [publication]
    assert list(selectors.board(query="热水", box=Box.SECRETARY)) == []
    assert list(selectors.board(query="食堂")) == []
    assert [row.action for row in LetterLog.objects.filter(letter=letter)] == ["write", "route", "publish"]
    with pytest.raises(Conflict):
        services.publication_approve(
            actor=user("dispatcher"), letter=letter, title=title, question=question, answer=answer
        )


@pytest.mark.django_db
def test_late_triage_is_recorded_late(demo_org: None) -> None:
    """R4.7: a letter read two days later meets its triage clock late."""
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        letter, _code = write()
    with time_machine.travel(at(2026, 12, 9, 9, 0), tick=False):
        services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    assert mailbox_clock(letter.ticket).on_time is False


@pytest.mark.django_db
def test_private_letter_goes_to_a_leader_then_is_dispatched_with_the_instruction(demo_org: None) -> None:
    """(b) Not suitable for a public reply: the Office submits it to a leader (triage met, R4.7), the leader's
    instruction is recorded on the ticket (R6.3) and the Office dispatches with it; it is never published."""
    with time_machine.travel(at(2026, 12, 7, 9, 0), tick=False):
        letter, _code = write(writer=user("student"), box=Box.SECRETARY, contact_phone="13900001111")
    ticket = letter.ticket
    assert not ticket.anonymous and ticket.requester_id == user("student").pk
    leader = user("leader_secretary")
    with time_machine.travel(at(2026, 12, 7, 11, 0), tick=False):
        services.letter_refer(
            actor=user("dispatcher"), letter=letter, leader=leader, body="涉及个人隐私，请批示。"
        )
    assert mailbox_clock(ticket).on_time is True
    assert list(selectors.office_queues()["leader"]) == [letter]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    # The leader sees it among the requests for an instruction and instructs before dispatch (R6.3).
    from jiesu.tickets import selectors as ticket_selectors

    assert [n.ticket_id for n in ticket_selectors.instruction_requests(leader)] == [ticket.pk]
    with pytest.raises(DomainError):
        services.letter_dispatch_instructed(
            actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics")
        )
    tickets.instruct(actor=leader, ticket=ticket, body="请后勤管理处当面回复该同学。")
    assert list(selectors.office_queues()["instructed"]) == [letter]
    services.letter_dispatch_instructed(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    ticket.refresh_from_db()
    assert ticket.status == Status.DISPATCHED and ticket.lead_unit == unit("logistics")
    dispatch = Event.objects.get(ticket=ticket, action="dispatch")
    assert "请后勤管理处当面回复该同学" in dispatch.reason
    # R6.3: the lead unit's dispatch message carries the instruction, which it could not hear of before.
    from jiesu.notify.models import Notification

    told = Notification.objects.filter(ticket=ticket, event="dispatched", recipient__username="officer").get()
    assert "请后勤管理处当面回复该同学。" in told.body and leader.get_full_name() in told.body
    unit_replies(ticket)
    with pytest.raises(DomainError):
        services.publication_approve(
            actor=user("dispatcher"), letter=letter, title="标题", question="内容", answer="答复"
        )
    assert not Publication.objects.exists()


@pytest.mark.django_db
def test_publication_refuses_text_that_still_holds_personal_data(demo_org: None) -> None:
    """The checker runs again at approval: a phone number left in the reply is refused, nothing is written."""
    letter, _code = write()
    services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    unit_replies(letter.ticket, REPLY)
    with pytest.raises(DomainError) as refused:
        services.publication_approve(
            actor=user("dispatcher"), letter=letter, title="热水中断", question="热水经常中断。", answer=REPLY
        )
    assert refused.value.field == "answer"
    assert not Publication.objects.exists()
    assert not LetterLog.objects.filter(action="publish").exists()


@pytest.mark.django_db
def test_a_writer_who_declined_is_never_published(demo_org: None) -> None:
    letter, _code = write(public_reply_wanted=False)
    services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    unit_replies(letter.ticket)
    assert list(selectors.office_queues()["publish"]) == []
    with pytest.raises(DomainError):
        services.publication_approve(
            actor=user("dispatcher"), letter=letter, title="热水", question="热水中断。", answer="已修复。"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["officer", "student", "leader", "inspector"])
def test_only_the_office_triages(demo_org: None, username: str) -> None:
    letter, _code = write()
    with pytest.raises(NotAllowed):
        services.letter_dispatch_public(actor=user(username), letter=letter, lead_unit=unit("logistics"))
    with pytest.raises(NotAllowed):
        services.letter_refer(actor=user(username), letter=letter, leader=user("leader"), body="请批示。")
    letter.refresh_from_db()
    assert letter.route == Route.UNROUTED
    assert not Note.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"content": "长" * 20000}, "content"),
        ({"content": "   "}, "content"),
        ({"box": "dean"}, "box"),
        ({"content": "空调\x00坏了"}, "content"),
    ],
)
def test_bad_letters_write_nothing(demo_org: None, fields: dict[str, str], field: str) -> None:
    """A letter of 20,000 characters, an empty one, an unknown box or a NUL byte is refused with the field named;
    no ticket, letter, log row or clock is left behind."""
    with pytest.raises(DomainError) as refused:
        write(**fields)
    assert refused.value.field == field
    assert not Ticket.objects.exists() and not Letter.objects.exists()
    assert not LetterLog.objects.exists() and not Clock.objects.exists()


@pytest.mark.django_db
def test_a_failing_letter_row_rolls_back_the_ticket(demo_org: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing half-written: if the letter's own row fails after the ticket was created, the ticket goes too."""

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_log", boom)
    with pytest.raises(RuntimeError):
        write()
    assert not Ticket.objects.exists() and not Letter.objects.exists()


@pytest.mark.django_db
def test_withdrawn_letters_leave_the_board(demo_org: None) -> None:
    letter, _code = write()
    services.letter_dispatch_public(actor=user("dispatcher"), letter=letter, lead_unit=unit("logistics"))
    unit_replies(letter.ticket, "热水已恢复。")
    publication = services.publication_approve(
        actor=user("dispatcher"),
        letter=letter,
        title="热水中断",
        question="热水经常中断。",
        answer="热水已恢复。",
    )
    with pytest.raises(DomainError):
        services.publication_withdraw(actor=user("dispatcher"), publication=publication, reason=" ")
    services.publication_withdraw(
        actor=user("dispatcher"), publication=publication, reason="当事人要求撤下。"
    )
    assert list(selectors.board()) == []
    assert LetterLog.objects.filter(action="withdraw").count() == 1
