"""The words of every notification (issue 5 §3): one entry per message, English msgids, Chinese in the catalog.

A message has a title (the inbox line and, behind the "[Jiesu]" prefix, the email subject), a body (inbox and
email), an optional short SMS text, and an optional inbox body for when the email carries something the inbox
should not keep (the tracking code). Everything is rendered in ``settings.LANGUAGE_CODE`` (zh-hans) whatever
the language of the request that caused the event (the sweep runs without one).

Privacy (R10.2): messages to staff name the ticket by number and subject only, and ``privacy.mask_contacts``
masks any phone number or email address a requester wrote into the subject or staff wrote into a quoted text;
messages to a requester only ever concern their own ticket.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

SMS_LIMIT = 500  # long SMS go out as concatenated segments; the cap only stops a runaway text


@dataclass(frozen=True)
class Template:
    title: Promise
    body: Promise
    sms: Promise | None = None
    inbox_body: Promise | None = None


@dataclass(frozen=True)
class Rendered:
    """One message, in final words for every channel (rendered once, sent to many)."""

    title: str
    body: str
    inbox_body: str
    subject: str  # email: 【接诉即办】您的诉求已受理（编号 20261126-000001）
    email_body: str
    sms: str
    wecom: str
    url: str  # site-relative (the inbox) …
    link: str  # … and absolute (email, SMS, WeCom)


# --- To the requester (R10.2: only their own ticket) ----------------------------------------------------------
REQUESTER: dict[str, Template] = {
    "received": Template(
        _("Your request has been received (No. %(number)s)"),
        _(
            "Your request “%(subject)s” has been received and given the number %(number)s.\n"
            "Tracking code: %(code)s\n"
            "Keep the code: with the number it lets you follow your request at %(track_url)s without signing in."
        ),
        sms=_("Your request has been received. No. %(number)s, tracking code %(code)s."),
        inbox_body=_(
            "Your request “%(subject)s” has been received and given the number %(number)s. "
            "You can follow it under “My requests”."
        ),
    ),
    "initial_reply": Template(
        _("Initial reply to your request (No. %(number)s)"),
        _(
            "%(unit)s sent an initial reply to your request “%(subject)s”:\n\n%(reply)s\n\n"
            "The formal reply is planned by %(planned)s."
        ),
        sms=_("Your request %(number)s has an initial reply; the formal reply is planned by %(planned)s."),
    ),
    "reply_sent": Template(
        _("Your request has been answered (No. %(number)s)"),
        _(
            "%(unit)s replied to your request “%(subject)s”:\n\n%(reply)s\n\n"
            "Are you satisfied with the reply? Rate it here (no sign-in needed; the link works once, for "
            "%(days)s days):\n%(rating_url)s"
        ),
        sms=_("Your request %(number)s has been answered. Rate the reply: %(rating_url)s"),
    ),
    "reply_sent_plain": Template(
        _("Your request has been answered (No. %(number)s)"),
        _("%(unit)s replied to your request “%(subject)s”:\n\n%(reply)s"),
        sms=_("Your request %(number)s has been answered."),
    ),
    "closed": Template(
        _("Your request is closed (No. %(number)s)"),
        _("Your request “%(subject)s” has been settled and is now closed. Thank you for your trust."),
        sms=_("Your request %(number)s is settled and closed. Thank you."),
    ),
    "closed_unsatisfied": Template(
        _("Your request has been concluded (No. %(number)s)"),
        _(
            "After several rounds of handling, the Party and Administration Office has concluded your request "
            "“%(subject)s”. If there is something new, you are welcome to submit a new request."
        ),
        sms=_("Your request %(number)s has been concluded by the Party and Administration Office."),
    ),
    "closed_explained": Template(
        _("Your request is closed (No. %(number)s)"),
        _(
            "You accepted the explanation given in reply to your request “%(subject)s”; it is now closed. "
            "If the situation changes, you are welcome to submit a new request."
        ),
        sms=_("Your request %(number)s is closed: you accepted the explanation. Thank you."),
    ),
    "closed_unreachable": Template(
        _("Your request is closed (No. %(number)s)"),
        _(
            "We replied to your request “%(subject)s” but could not reach you afterwards despite several calls, "
            "so it is now closed. If the matter is not settled, you are welcome to submit a new request."
        ),
        sms=_("Your request %(number)s is closed: we could not reach you after several calls."),
    ),
}

# --- To staff (R10.2: no contact data) -----------------------------------------------------------------------
STAFF: dict[str, Template] = {
    "dispatched": Template(
        _("New ticket for %(unit)s: %(number)s"),
        _(
            "The Party and Administration Office dispatched ticket %(number)s “%(subject)s” to %(unit)s. "
            "Acknowledge it promptly (R4.1); the nearest deadline is %(due)s."
        ),
    ),
    "redispatched": Template(
        _("Ticket re-dispatched to %(unit)s: %(number)s"),
        _(
            "The Party and Administration Office re-dispatched ticket %(number)s “%(subject)s” to %(unit)s. "
            "The clocks keep running from receipt (R3.2); the nearest deadline is %(due)s."
        ),
    ),
    # R6.3: the same hand-overs while a leader's instruction is still open (``recipients._handed_over``).
    "dispatched_instructed": Template(
        _("New ticket for %(unit)s, with a leader's instruction: %(number)s"),
        _(
            "The Party and Administration Office dispatched ticket %(number)s “%(subject)s” to %(unit)s, with a "
            "leader's instruction:\n\n%(instructions)s\n\nAcknowledge it promptly, act on the instruction and "
            "record on the ticket page what your unit did. The nearest deadline is %(due)s."
        ),
        sms=_("New ticket %(number)s for %(unit)s, due %(due)s. %(instructions)s"),
    ),
    "redispatched_instructed": Template(
        _("Ticket re-dispatched to %(unit)s, with a leader's instruction: %(number)s"),
        _(
            "The Party and Administration Office re-dispatched ticket %(number)s “%(subject)s” to %(unit)s, with "
            "a leader's instruction not yet acted on:\n\n%(instructions)s\n\nThe clocks keep running from "
            "receipt. Act on the instruction and record on the ticket page what your unit did. The nearest "
            "deadline is %(due)s."
        ),
        sms=_("Ticket %(number)s re-dispatched to %(unit)s, due %(due)s. %(instructions)s"),
    ),
    "redispatch_approved": Template(
        _("Re-dispatch approved: %(number)s"),
        _(
            "The Party and Administration Office approved your unit's request: ticket %(number)s “%(subject)s” "
            "now goes to %(unit)s."
        ),
    ),
    "redispatch_rejected": Template(
        _("Re-dispatch rejected: %(number)s"),
        _(
            "The Party and Administration Office rejected your unit's request to re-dispatch ticket %(number)s "
            "“%(subject)s”; your unit still leads it (R3.2). Note: %(note)s"
        ),
    ),
    "redispatch_requested": Template(
        _("Re-dispatch requested: %(number)s"),
        _("%(unit)s asks the Office to re-dispatch ticket %(number)s “%(subject)s”. Reason: %(reason)s"),
    ),
    "cohandling_requested": Template(
        _("Co-handling requested: %(number)s"),
        _(
            "%(unit)s asks %(asked_unit)s to help with ticket %(number)s “%(subject)s”. "
            "Answer in writing by %(due)s (R4.4)."
        ),
    ),
    "reply_awaiting_approval": Template(
        _("Reply awaiting your approval: %(number)s"),
        _(
            "A formal reply to ticket %(number)s “%(subject)s” awaits your approval; it is sent only once you "
            "approve it (R4.3)."
        ),
    ),
    "reply_returned": Template(
        _("Reply returned: %(number)s"),
        _(
            "The unit head returned the reply to ticket %(number)s “%(subject)s” with comments: %(comment)s\n"
            "Revise it and submit it again."
        ),
    ),
    "reopened": Template(
        _("Ticket reopened (round %(round)s): %(number)s"),
        _(
            "The follow-up of ticket %(number)s “%(subject)s” ended “%(outcome)s”; it is reopened for round "
            "%(round)s — reply, explain, act and solve again (R7.2). The new formal reply is due %(due)s."
        ),
    ),
    "rated": Template(
        _("Rated online: %(number)s"),
        _(
            "The requester rated the reply to ticket %(number)s “%(subject)s” online: %(outcome)s. "
            "The ticket is closed; no follow-up call is needed (R7.1)."
        ),
    ),
    "instruction_requested": Template(
        _("Instruction requested: %(number)s"),
        _("%(unit)s asks for your instruction on ticket %(number)s “%(subject)s” (R6.3)."),
    ),
    "instructed": Template(
        _("Leader's instruction: %(number)s"),
        _(
            "%(leader)s gave an instruction on ticket %(number)s “%(subject)s”:\n\n%(instruction)s\n\n"
            "Act on it and record on the ticket page what your unit did."
        ),
    ),
    "instruction_responded": Template(
        _("Your instruction was acted on: %(number)s"),
        _(
            "%(unit)s recorded what it did about your instruction on ticket %(number)s “%(subject)s”: %(response)s"
        ),
    ),
    "reply_to_office": Template(
        _("Formal reply sent: %(number)s"),
        _(
            "%(unit)s sent the formal reply to ticket %(number)s “%(subject)s”, which the Office dispatched. "
            "The follow-up with the requester is due within 48 hours."
        ),
    ),
    "unreachable_review": Template(
        _("Requester unreachable: %(number)s"),
        _(
            "%(unit)s could not reach the requester of ticket %(number)s “%(subject)s” after three calls on at "
            "least two days. Close the ticket as unreachable, or order another round of calls."
        ),
    ),
    "unreachable_closed": Template(
        _("Closed as unreachable: %(number)s"),
        _(
            "The Party and Administration Office closed ticket %(number)s “%(subject)s”: the requester could not "
            "be reached. Note: %(note)s"
        ),
    ),
    "unreachable_retry": Template(
        _("Call the requester again: %(number)s"),
        _(
            "The Party and Administration Office asks your unit to call the requester of ticket %(number)s "
            "“%(subject)s” again and record the result. Note: %(note)s"
        ),
    ),
    "due_soon": Template(
        _("Due soon: %(number)s (%(clock)s)"),
        _("The %(clock)s deadline of ticket %(number)s “%(subject)s” is %(due)s (R4.8)."),
    ),
    "overdue": Template(
        _("Overdue: %(number)s (%(clock)s)"),
        _("The %(clock)s deadline of ticket %(number)s “%(subject)s” passed at %(due)s (R4.8)."),
    ),
    "followup_due": Template(
        _("Follow-up call due: %(number)s"),
        _(
            "Call the requester of ticket %(number)s “%(subject)s” back by %(due)s and record the result "
            "(R4.6)."
        ),
    ),
}

TEMPLATES: dict[str, Template] = {**REQUESTER, **STAFF}


class _Context(dict[str, Any]):
    """Missing placeholders render empty rather than failing a whole batch."""

    def __missing__(self, key: str) -> str:
        return ""


def absolute(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.JIESU_SITE_URL + url


def _sms(text: str) -> str:
    return text if len(text) <= SMS_LIMIT else text[: SMS_LIMIT - 1] + "…"


def _finish(title: str, body: str, inbox_body: str, sms: str, url: str) -> Rendered:
    link = absolute(url)
    title = " ".join(title.split())[
        :200
    ]  # one line: a newline in a subject would make the email header invalid
    footer = str(_("Open in Jiesu: %(link)s") % {"link": link}) if link else ""
    closing = str(_("This message was sent automatically by Jiesu; please do not reply to it."))
    return Rendered(
        title=title,
        body=body,
        inbox_body=inbox_body,
        subject=str(_("[Jiesu] %(title)s") % {"title": title})[:200],
        email_body="\n\n".join(part for part in (body, footer, closing) if part),
        sms=_sms(str(_("[Jiesu] %(title)s") % {"title": sms})),
        wecom="\n".join(part for part in (title, body, link) if part),
        url=url,
        link=link,
    )


def render(key: str, context: Mapping[str, Any], *, url: str = "") -> Rendered:
    """Render message ``key``; call inside ``language()`` (the caller renders many messages at once)."""
    template = TEMPLATES[key]
    values = _Context(context)
    title = str(template.title) % values
    body = str(template.body) % values
    sms = str(template.sms) % values if template.sms else title
    inbox = str(template.inbox_body) % values if template.inbox_body else body
    return _finish(title, body, inbox, sms, url)


def free(title: str, body: str, *, url: str = "") -> Rendered:
    """A message whose words the caller wrote (digests, summaries: ``notify_users``)."""
    return _finish(title, body, body, title, url)


COMBINED_LINES = 100  # a merged email lists this many alerts; the inbox has them all


def combined(items: Sequence[Rendered], *, url: str) -> Rendered:
    """One message standing for several alerts to one person (the sweep's batch): each alert's title and link."""
    count = len(items)
    lines = [f"• {m.title}\n  {m.link}" if m.link else f"• {m.title}" for m in items[:COMBINED_LINES]]
    if count > COMBINED_LINES:
        more = _("… and %(more)d more in your notifications.") % {"more": count - COMBINED_LINES}
        lines.append(str(more))
    title = str(_("%(count)d new alerts about your tickets") % {"count": count})
    sms = str(
        _("%(count)d new alerts about your tickets; see your notifications in Jiesu.") % {"count": count}
    )
    body = "\n".join(lines)
    return _finish(title, body, body, sms, url)


def language() -> translation.override:
    """Messages are in the site's language (zh-hans), whoever or whatever caused them."""
    return translation.override(settings.LANGUAGE_CODE)
