"""Worklists (issue 4 item 7): unit inbox, head approvals, the Office's dispatch queue, overdue board and
re-dispatch requests, leaders' instruction requests, co-handling requests. Each page runs a fixed number of
queries however many tickets it lists: the page's clocks, drafts and choice lists are fetched once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jiesu.org.models import Role, User
from jiesu.org.selectors import roles_for
from jiesu.tickets import forms as f
from jiesu.tickets import hints, selectors, services
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import get_ticket_for
from jiesu.tickets.states import ACTIONS
from jiesu.tickets.views.actions import ActionView
from jiesu.tickets.views.common import StaffRequest, paginate, requires, safe_next

UNIT_ROLES = (Role.UNIT_HEAD, Role.INFO_OFFICER, Role.UNIT_STAFF)
OFFICE_ROLES = (Role.DISPATCHER, Role.DUTY_OPERATOR)
OVERSIGHT_ROLES = (*OFFICE_ROLES, Role.LEADER, Role.INSPECTOR)


@dataclass(frozen=True)
class Worklist:
    key: str
    label: Promise
    url_name: str
    roles: tuple[Role, ...]
    count: Callable[[User], int]


WORKLISTS = [
    Worklist(
        "inbox",
        gettext_lazy("Unit inbox"),
        "work:inbox",
        UNIT_ROLES,
        lambda u: selectors.unit_inbox(u).count(),
    ),
    Worklist(
        "cohandling",
        gettext_lazy("Co-handling requests"),
        "work:cohandling",
        UNIT_ROLES,
        lambda u: selectors.cohandling_inbox(u).count(),
    ),
    Worklist(
        "followups",
        gettext_lazy("Follow-ups due"),
        "work:followups",
        UNIT_ROLES,
        lambda u: selectors.followups_due(u).count(),
    ),
    Worklist(
        "approvals",
        gettext_lazy("Replies awaiting approval"),
        "work:approvals",
        (Role.UNIT_HEAD,),
        lambda u: selectors.approval_queue(u).count(),
    ),
    Worklist(
        "dispatch",
        gettext_lazy("Dispatch queue"),
        "work:dispatch",
        OFFICE_ROLES,
        lambda u: selectors.dispatch_queue(u).count(),
    ),
    # After the reply, what the Office follows (R7.4, R7.3, R2.6).
    Worklist(
        "office_replied",
        gettext_lazy("Replied, awaiting follow-up"),
        "work:office_replied",
        OFFICE_ROLES,
        lambda u: selectors.office_replied(u).count(),
    ),
    Worklist(
        "unreachable",
        gettext_lazy("Unreachable requesters"),
        "work:unreachable",
        OFFICE_ROLES,
        lambda u: selectors.unreachable_review(u).count(),
    ),
    Worklist(
        "report_back",
        gettext_lazy("Referrals to report back"),
        "work:report_back",
        OFFICE_ROLES,
        lambda u: selectors.report_back_missing(u).count(),
    ),
    Worklist(
        "redispatch",
        gettext_lazy("Re-dispatch requests"),
        "work:redispatch",
        OFFICE_ROLES,
        lambda u: selectors.redispatch_queue().count(),
    ),
    Worklist(
        "overdue",
        gettext_lazy("Overdue board"),
        "work:overdue",
        OVERSIGHT_ROLES,
        lambda u: selectors.overdue_board(u).count(),
    ),
    Worklist(
        "instructions",
        gettext_lazy("Instruction requests"),
        "work:instructions",
        (Role.LEADER,),
        lambda u: selectors.instruction_requests(u).count(),
    ),
]


def worklists_for(user: User) -> list[Worklist]:
    roles = roles_for(user)
    return [w for w in WORKLISTS if roles.has(*w.roles)]


def home_counts(user: User) -> list[tuple[str, str, int]]:
    """(label, url, count) for each worklist the person works on: one COUNT query per list."""
    return [(str(w.label), reverse(w.url_name), w.count(user)) for w in worklists_for(user)]


def _rows(
    items: Sequence[Ticket], kinds: tuple[str, ...] = ()
) -> list[tuple[Ticket, selectors.ClockInfo | None]]:
    clocks = selectors.pending_clocks([t.pk for t in items], kinds=kinds)
    return [(t, clocks.get(t.pk)) for t in items]


def _action(
    name: str, form: f.ActionForm, ticket: Ticket, next_url: str, unit_hints: Sequence[hints.UnitHint] = ()
) -> ActionView:
    return ActionView(name, str(ACTIONS[name].label), form, ticket.number, next_url, tuple(unit_hints))


@requires(*UNIT_ROLES)
@require_GET
def inbox(request: StaffRequest) -> HttpResponse:
    """Open tickets of my units, nearest deadline first, with countdown badges and filters (R4.8)."""
    filters = f.InboxFilterForm(request.GET or None)
    page = paginate(request, selectors.unit_inbox(request.user, filters.to_filter()))
    items = list(page.object_list)
    return render(
        request, "tickets/staff/inbox.html", {"filters": filters, "page": page, "rows": _rows(items)}
    )


@requires(*UNIT_ROLES)
@require_GET
def followups(request: StaffRequest) -> HttpResponse:
    """R4.6 / R7.1: my units' replied tickets awaiting the call back, nearest follow-up deadline first, with the
    countdown badge and this round's unanswered attempts (three allow "unreachable")."""
    page = paginate(request, selectors.followups_due(request.user))
    items = list(page.object_list)
    attempts = selectors.unanswered_attempts([t.pk for t in items])
    rows = [(t, clock, attempts.get(t.pk, 0)) for t, clock in _rows(items, kinds=("followup",))]
    return render(request, "tickets/staff/followups.html", {"page": page, "rows": rows})


def _acknowledge_one(user: User, number: str) -> str:
    """Acknowledge one ticket in its own transaction; the refusal in words, or "" when it worked."""
    try:
        services.ticket_acknowledge(actor=user, ticket=get_ticket_for(user, number))
    except Http404:
        return _("No such ticket among those you may see.")
    except DomainError as refused:
        return str(refused.message)
    return ""


@requires(*UNIT_ROLES)
@require_POST
def bulk_acknowledge(request: StaffRequest) -> HttpResponse:
    """R4.1 for many tickets: each is acknowledged on its own (no half state); the result is told per ticket."""
    back = safe_next(request, reverse("work:inbox"))
    form = f.BulkAcknowledgeForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("tickets", []):
            messages.error(request, str(error))
        return HttpResponseRedirect(back)
    done: list[str] = []
    for number in form.cleaned_data["tickets"]:
        refusal = _acknowledge_one(request.user, number)
        if refusal:
            messages.error(
                request,
                _("%(number)s was not acknowledged: %(reason)s") % {"number": number, "reason": refusal},
            )
        else:
            done.append(number)
    if done:
        messages.success(
            request,
            _("Acknowledged %(count)d: %(numbers)s") % {"count": len(done), "numbers": "、".join(done)},
        )
    return HttpResponseRedirect(back)


@requires(Role.UNIT_HEAD)
@require_GET
def approvals(request: StaffRequest) -> HttpResponse:
    """R4.3: the head reads each draft and approves (sending it) or returns it; R6.5 flags stand out."""
    page = paginate(request, selectors.approval_queue(request.user))
    items = list(page.object_list)
    drafts = selectors.pending_formal_replies([t.pk for t in items])
    here = request.get_full_path()
    rows = []
    for ticket, clock in _rows(items):
        draft = drafts.get(ticket.pk)
        # R6.5 / Art. 9.6: a flagged draft is never approved; the head can only return it.
        flagged = bool(draft and draft.third_party_flag)
        approve = f.ApproveForm(ticket=ticket, user=request.user, auto_id=f"id_ap_{ticket.pk}_%s")
        back = f.ReturnForm(ticket=ticket, user=request.user, auto_id=f"id_rt_{ticket.pk}_%s")
        rows.append(
            {
                "ticket": ticket,
                "clock": clock,
                "draft": draft,
                "approve": None if flagged else _action("approve_reply", approve, ticket, here),
                "return": _action("return_reply", back, ticket, here),
            }
        )
    return render(request, "tickets/staff/approvals.html", {"page": page, "rows": rows})


@requires(*OFFICE_ROLES)
@require_GET
def dispatch(request: StaffRequest) -> HttpResponse:
    """R4.5: the Office's queue, oldest first, each with its same-day dispatch clock and a dispatch form."""
    page = paginate(request, selectors.dispatch_queue(request.user))
    items = list(page.object_list)
    units = f.active_units()
    here = request.get_full_path()
    # R9.5 / R6.1: the suggested lead units and possible repeats of the whole page, from the insight app.
    suggested = hints.dispatch_hints(items)
    repeats = hints.repeat_hints(request.user, items)
    rows = [
        {
            "ticket": t,
            "clock": clock,
            "form": _action(
                "dispatch",
                f.DispatchForm(ticket=t, user=request.user, units=units, auto_id=f"id_d_{t.pk}_%s"),
                t,
                here,
                suggested.get(t.pk, ()),
            ),
            "repeats": repeats.get(t.pk, []),
        }
        for t, clock in _rows(items, kinds=("dispatch", "mailbox"))
    ]
    return render(request, "tickets/staff/dispatch.html", {"page": page, "rows": rows})


@requires(*OVERSIGHT_ROLES)
@require_GET
def overdue(request: StaffRequest) -> HttpResponse:
    """Overdue tickets across units, most overdue first, with the count per unit."""
    unit_id = request.GET.get("unit", "")
    qs = selectors.overdue_board(request.user)
    if unit_id.isdigit():
        qs = selectors.apply_filter(qs, selectors.TicketFilter(unit_id=int(unit_id)))
    page = paginate(request, qs)
    context = {
        "page": page,
        "rows": _rows(list(page.object_list)),
        "by_unit": selectors.overdue_by_unit(request.user),
        "unit": unit_id,
    }
    return render(request, "tickets/staff/overdue.html", context)


def redispatch_page(
    request: StaffRequest, *, bound: tuple[int, f.RedispatchDecideForm] | None = None, status: int = 200
) -> HttpResponse:
    page = paginate(request, selectors.redispatch_queue())
    units = f.active_units()
    rows = []
    for item in page.object_list:
        form = (
            bound[1]
            if bound and bound[0] == item.pk
            else f.RedispatchDecideForm(
                units=units, exclude_id=item.ticket.lead_unit_id, auto_id=f"id_r_{item.pk}_%s"
            )
        )
        rows.append({"item": item, "form": form})
    counts = selectors.redispatch_counts()
    context: dict[str, Any] = {
        "page": page,
        "rows": rows,
        "approved": counts.get("approved", 0),
        "rejected": counts.get("rejected", 0),
    }
    return render(request, "tickets/staff/redispatch.html", context, status=status)


@requires(*OFFICE_ROLES)
@require_GET
def redispatch(request: StaffRequest) -> HttpResponse:
    """R3.2: the lead units' re-dispatch requests; both outcomes are counted."""
    return redispatch_page(request)


@requires(*OFFICE_ROLES)
@require_POST
def redispatch_decide(request: StaffRequest, pk: int) -> HttpResponse:
    """R3.2: approve with a new lead unit (the clocks keep running from receipt) or reject with a note."""
    item = selectors.redispatch_queue().filter(pk=pk).first()
    if item is None:
        raise Http404
    get_ticket_for(request.user, item.ticket.number)
    form = f.RedispatchDecideForm(
        request.POST,
        units=f.active_units(),
        exclude_id=item.ticket.lead_unit_id,
        auto_id=f"id_r_{item.pk}_%s",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.redispatch_decide(
                actor=request.user,
                request=item,
                approve=data["decision"] == "approve",
                new_unit=data["new_unit"],
                note=data["note"],
            )
        except DomainError as refused:
            form.add_domain_error(refused)
        else:
            messages.success(
                request,
                _("The re-dispatch request of %(number)s was decided.") % {"number": item.ticket.number},
            )
            return HttpResponseRedirect(safe_next(request, reverse("work:redispatch")))
    if request.htmx:
        return render(
            request, "tickets/staff/_redispatch_form.html", {"item": item, "form": form}, status=400
        )
    return redispatch_page(request, bound=(item.pk, form), status=400)


@requires(Role.LEADER)
@require_GET
def instructions(request: StaffRequest) -> HttpResponse:
    """R6.3: the units' requests for this leader's instruction, each with the form to record it."""
    page = paginate(request, selectors.instruction_requests(request.user))
    here = request.get_full_path()
    rows = [
        {
            "note": note,
            "form": _action(
                "instruct",
                f.InstructForm(ticket=note.ticket, user=request.user, auto_id=f"id_i_{note.pk}_%s"),
                note.ticket,
                here,
            ),
        }
        for note in page.object_list
    ]
    return render(request, "tickets/staff/instructions.html", {"page": page, "rows": rows})


@requires(*UNIT_ROLES)
@require_GET
def cohandling(request: StaffRequest) -> HttpResponse:
    """R3.3 / R4.4: what other units asked my units for, nearest due first, with the answer form."""
    page = paginate(request, selectors.cohandling_inbox(request.user))
    here = request.get_full_path()
    rows = [
        {
            "item": item,
            "form": _action(
                "answer_cohandling",
                f.CohandlingAnswerForm(
                    ticket=item.ticket, user=request.user, items=[item], auto_id=f"id_c_{item.pk}_%s"
                ),
                item.ticket,
                here,
            ),
        }
        for item in page.object_list
    ]
    return render(request, "tickets/staff/cohandling.html", {"page": page, "rows": rows})


@requires(*OFFICE_ROLES)
@require_GET
def office_replied(request: StaffRequest) -> HttpResponse:
    """R7.4 / Art. 8.3: tickets the Office dispatched whose formal reply was sent, awaiting the follow-up,
    nearest follow-up deadline first."""
    page = paginate(request, selectors.office_replied(request.user))
    rows = _rows(list(page.object_list), kinds=("followup",))
    return render(request, "tickets/staff/office_replied.html", {"page": page, "rows": rows})


@requires(*OFFICE_ROLES)
@require_GET
def unreachable(request: StaffRequest) -> HttpResponse:
    """R7.3: requesters the lead units could not reach; the Office closes each or orders another round of calls
    from the ticket page."""
    page = paginate(request, selectors.unreachable_review(request.user))
    rows = _rows(list(page.object_list))
    return render(request, "tickets/staff/unreachable.html", {"page": page, "rows": rows})


@requires(*OFFICE_ROLES)
@require_GET
def report_back(request: StaffRequest) -> HttpResponse:
    """R2.6: referrals whose result is not yet reported back to the referring body, earliest deadline first."""
    page = paginate(request, selectors.report_back_missing(request.user))
    rows = _rows(list(page.object_list), kinds=("report_back",))
    return render(request, "tickets/staff/report_back.html", {"page": page, "rows": rows})
