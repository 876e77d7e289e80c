"""The online rating (R7.1): a signed, timestamped, single-use link (7 days) or "my requests"; its outcome closes
or reopens the ticket exactly as a call would (R7.2), and anonymous letters are never rated (R1.3)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.core import signing

from jiesu.tickets import rating, services
from jiesu.tickets.errors import DomainError, NotAllowed, TransitionError
from jiesu.tickets.models import Event, Followup, RatingLink, Ticket
from jiesu.tickets.services import TicketEvent, base
from jiesu.tickets.services.followup import RatingNotOpen
from jiesu.tickets.states import Status
from tests.support import at, drive, sent_rating_token, snapshot, user

pytestmark = pytest.mark.django_db
SENT = at(2026, 3, 10, 10)


@pytest.fixture(autouse=True)
def _org(demo_org: None) -> None:
    """The demo organization."""


@pytest.fixture
def published() -> Iterator[list[TicketEvent]]:
    seen: list[TicketEvent] = []
    writer = services.subscribe_in_transaction(seen.append)
    yield seen
    services.unsubscribe_in_transaction(writer)


def replied_with_link(requester: str = "student") -> tuple[Ticket, str]:
    """A replied ticket and the rating link the reply notification carries (made when the reply was sent)."""
    with time_machine.travel(SENT, tick=False):
        ticket = drive(Status.REPLIED, level="direct", cohandling=False, requester=requester)
        return ticket, sent_rating_token(ticket)


def rate(
    token: str, outcome: str = "satisfied", resolved: bool = True, when: dt.datetime | None = None
) -> Followup:
    with time_machine.travel(when or SENT + dt.timedelta(hours=3), tick=False):
        return services.followup_rate_online(token=token, outcome=outcome, resolved=resolved, comment="谢谢")


def test_a_satisfied_rating_by_link_closes_the_ticket_without_a_call(published: list[TicketEvent]) -> None:
    """R7.1: the link needs no sign-in; the rating completes the follow-up (channel online, recorded by the
    requester the link was sent to), the unit needs no call; "rated" and "closed" are published."""
    ticket, token = replied_with_link()
    published.clear()
    followup = rate(token)
    assert (followup.channel, followup.recorded_by, followup.round, followup.comment) == (
        "online",
        user("student"),
        1,
        "谢谢",
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert ticket.status == Status.CLOSED and ticket.next_due_at is None
    event = Event.objects.get(ticket=ticket, action="closed")
    assert event.public and event.actor == user("student") and event.after["via"] == "online"
    assert [e.name for e in published] == ["closed", "rated"]
    assert published[1].data == {"outcome": "satisfied", "resolved": True, "round": 1, "closed": True}


def test_the_link_works_once() -> None:
    """R7.1 single use: a second rating with the same link is refused (410) and changes nothing."""
    ticket, token = replied_with_link()
    rate(token, "dissatisfied", False)
    before = snapshot(ticket)
    with pytest.raises(rating.RatingLinkGone) as used:
        rate(token, "satisfied", True)
    assert (used.value.code, used.value.status) == ("rating_link_used", 410)
    assert snapshot(ticket) == before and Followup.objects.filter(ticket=ticket).count() == 1


def test_the_link_is_refused_after_the_units_call() -> None:
    """R7.1: once the unit recorded the round's result by phone, the link of that round is used up."""
    ticket, token = replied_with_link()
    services.followup_complete(actor=user("officer"), ticket=ticket, outcome="satisfied", resolved=True)
    with pytest.raises(rating.RatingLinkGone) as used:
        rate(token)
    assert used.value.code == "rating_link_used"


def test_the_unit_cannot_call_in_a_result_after_the_rating() -> None:
    """An online rating ends the round: the unit's later result is refused by the state machine (409)."""
    ticket, token = replied_with_link()
    rate(token)
    with pytest.raises(TransitionError):
        services.followup_complete(
            actor=user("officer"), ticket=ticket, outcome="dissatisfied", resolved=False
        )


def test_the_link_expires_after_seven_days() -> None:
    """R7.1: valid for 7 days from the notification; after that a clear "expired" refusal (410)."""
    ticket, token = replied_with_link()
    with pytest.raises(rating.RatingLinkGone) as expired:
        rate(token, when=SENT + dt.timedelta(days=7, minutes=1))
    assert (expired.value.code, expired.value.status) == ("rating_link_expired", 410)
    assert "过期" in str(expired.value) or "expired" in str(expired.value)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.REPLIED
    rate(token, when=SENT + dt.timedelta(days=6, hours=23))  # still valid the day before
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CLOSED


def test_the_lifetime_is_a_setting(settings) -> None:
    """R7.1: ``JIESU_RULES["RATING_LINK_DAYS"]`` (default 7) sets the link's lifetime."""
    settings.JIESU_RULES = {"RATING_LINK_DAYS": 2}
    _ticket, token = replied_with_link()
    with pytest.raises(rating.RatingLinkGone):
        rate(token, when=SENT + dt.timedelta(days=2, minutes=1))


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), id="signature-changed"),
        pytest.param(lambda t: t[: len(t) // 2], id="cut-short"),
        pytest.param(lambda t: "not-a-token", id="garbage"),
        pytest.param(lambda t: signing.dumps({"t": 1, "r": 1}, salt="another.salt"), id="other-salt"),
    ],
)
def test_a_tampered_link_is_refused_with_a_clear_error(mangle) -> None:
    """A link that was altered, cut short or signed for something else is "not valid" (400), and nothing
    is written."""
    ticket, token = replied_with_link()
    before = snapshot(ticket)
    with pytest.raises(DomainError) as bad:
        rate(mangle(token))
    assert (bad.value.code, bad.value.status) == ("rating_link_invalid", 400)
    assert snapshot(ticket) == before


def test_a_link_of_an_earlier_round_is_refused_and_the_new_one_works() -> None:
    """R7.2: after a reopen the first reply's link is refused; the new reply's link rates round 2."""
    ticket, first = replied_with_link()
    rate(first, "dissatisfied", False)
    with time_machine.travel(SENT + dt.timedelta(days=1), tick=False):
        services.reply_submit(actor=user("officer"), ticket=ticket, body="已更换暖气阀门，请再试。")
        services.reply_approve(actor=user("head"), ticket=ticket)
        second = sent_rating_token(ticket)
    with pytest.raises(rating.RatingLinkGone):
        rate(first, when=SENT + dt.timedelta(days=1, hours=2))
    rate(second, when=SENT + dt.timedelta(days=1, hours=2))
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.CLOSED, 2)


def test_a_dissatisfied_rating_reopens_the_ticket(published: list[TicketEvent]) -> None:
    """R7.2: an online "dissatisfied" reopens for round 2 like a call would; "reopened" tells the unit."""
    ticket, token = replied_with_link()
    published.clear()
    rate(token, "dissatisfied", False)
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.round) == (Status.HANDLING, 2)
    assert [e.name for e in published] == ["reopened", "rated"]
    assert published[0].data["round"] == 2


def test_unreachable_is_not_a_rating() -> None:
    """R7.1: only the unit's call can find the requester unreachable."""
    _ticket, token = replied_with_link()
    with pytest.raises(DomainError) as refused:
        rate(token, "unreachable", False)
    assert refused.value.field == "outcome"


def test_the_signed_in_requester_rates_only_their_own_ticket() -> None:
    """R10.1: from "my requests" the requester rates their own reply; anyone else is refused."""
    ticket, _token = replied_with_link()
    with pytest.raises(NotAllowed):
        services.followup_rate_online(
            requester=user("teacher"), ticket=ticket, outcome="satisfied", resolved=True
        )
    followup = services.followup_rate_online(
        requester=user("student"), ticket=ticket, outcome="basically_satisfied", resolved=True
    )
    assert followup.recorded_by == user("student") and followup.channel == "online"
    assert Event.objects.get(ticket=ticket, action="closed").actor == user("student")


def test_a_request_not_awaiting_a_rating_is_refused() -> None:
    """A link to a ticket that is not replied (e.g. back in handling) answers "not waiting for a rating" (409)."""
    with time_machine.travel(SENT, tick=False):
        ticket = drive(Status.HANDLING, level="direct", cohandling=False)
        token = rating.issue(ticket, base.now())  # as if a link had been issued in this state
    with pytest.raises(RatingNotOpen) as refused:
        rate(token)
    assert (refused.value.code, refused.value.status) == ("rating_not_open", 409)


def test_an_anonymous_letter_is_never_rated() -> None:
    """R1.3: even a genuine link to an anonymous letter is refused."""
    with time_machine.travel(SENT, tick=False):
        ticket = drive(Status.REPLIED, level="direct", cohandling=False)
    # As an anonymous letter left "replied" before approval closed them (R1.3 fix).
    Ticket.objects.filter(pk=ticket.pk).update(anonymous=True, channel="mailbox")
    with pytest.raises(DomainError) as refused:
        rate(sent_rating_token(ticket))
    assert refused.value.code == "rating_not_available"


# --- issue 17, item 1: links nobody can forge ------------------------------------------------------------------


def test_a_link_forged_with_the_sites_key_is_refused() -> None:
    """A token built the way the old links were — the ticket's id and round signed with the site's key — rates
    nothing: a link is valid only with the random nonce issued with the reply (400, nothing written)."""
    ticket, _token = replied_with_link()
    before = snapshot(ticket)
    for forged in (
        signing.dumps({"t": ticket.pk, "r": 1}, salt="jiesu.tickets.rating", compress=True),
        signing.dumps({"t": ticket.pk, "r": 1}, salt=rating.SALT, compress=True),
        signing.dumps({"n": "guessed-nonce"}, salt=rating.SALT),
    ):
        with pytest.raises(DomainError) as refused:
            rate(forged)
        assert refused.value.code == "rating_link_invalid"
    assert snapshot(ticket) == before


def test_the_nonce_is_kept_hashed_and_the_link_is_used_once() -> None:
    """The link's nonce is stored only as its SHA-256 with the round's follow-up; rating marks the link used."""
    ticket, token = replied_with_link()
    link = RatingLink.objects.get(ticket=ticket, round=1)
    nonce = signing.loads(token, salt=rating.SALT)["n"]
    assert len(nonce) >= 32 and nonce not in link.nonce_hash and link.used_at is None
    rate(token)
    link.refresh_from_db()
    assert link.used_at is not None


def test_a_rating_by_link_is_recorded_with_the_requester_as_the_actor(published: list[TicketEvent]) -> None:
    """R10.4: the history row of a rating by link names the requester (the person the link was sent to), and
    so does the published event."""
    ticket, token = replied_with_link("teacher")
    published.clear()
    rate(token, "dissatisfied", False)
    event = Event.objects.get(ticket=ticket, action="reopened")
    assert event.actor == user("teacher") and event.after["via"] == "online"
    assert {e.actor_id for e in published} == {user("teacher").pk}
