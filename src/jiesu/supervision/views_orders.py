"""Pages of the supervision orders (R8.2): the board, the new-order form, an order with its log. Thin: parse,
fetch through the permission-scoped selectors, call one service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jiesu.org.models import User
from jiesu.supervision import selectors_orders as reads
from jiesu.supervision.errors import DomainError
from jiesu.supervision.forms import AnswerForm, OrderForm, ReviewForm, WithdrawForm
from jiesu.supervision.models import Order
from jiesu.supervision.permissions import may_see_orders, may_supervise, order_actors, requires
from jiesu.supervision.services import orders as services
from jiesu.supervision.states import MOVES, OrderState
from jiesu.tickets.models import Ticket
from jiesu.tickets.permissions import get_ticket_for


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # @requires signs everyone in


def _error(form: Any, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))


@require_http_methods(["GET"])
@requires(may_see_orders)
def board(request: HttpRequest) -> HttpResponse:
    """Open orders by unit and state (all orders with ``?all=1``)."""
    include_closed = request.GET.get("all") == "1"
    rows = reads.board(request.user, now=timezone.now(), include_closed=include_closed)
    states = [
        s
        for s in OrderState
        if include_closed or s in (OrderState.ISSUED, OrderState.RETURNED, OrderState.ANSWERED)
    ]
    return render(
        request,
        "supervision/orders/board.html",
        {
            "rows": rows,
            "states": states,
            "include_closed": include_closed,
            "may_issue": may_supervise(request.user),
            "now": timezone.now(),
        },
    )


@require_http_methods(["GET", "POST"])
@requires(may_supervise)
def order_new(request: HttpRequest) -> HttpResponse:
    """Issue an order on a ticket (``?ticket=NUMBER``) or on a unit's matter."""
    initial = {"ticket": request.GET.get("ticket", "")}
    form = OrderForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ticket: Ticket | None = None
        if data["ticket"]:
            try:
                ticket = get_ticket_for(_user(request), data["ticket"].strip())
            except Exception:  # noqa: BLE001 - Http404 or a malformed number: one message for both
                form.add_error("ticket", _("No ticket with this number."))
        if not form.errors:
            try:
                order = services.order_issue(
                    actor=_user(request),
                    ticket=ticket,
                    unit=data["unit"],
                    subject=data["subject"],
                    requirement=data["requirement"],
                    level=data["level"],
                    days=data["days"],
                )
            except DomainError as exc:
                _error(form, exc)
            else:
                messages.success(request, _("The supervision order was issued."))
                return redirect("supervision:order", pk=order.pk)
    return render(request, "supervision/orders/new.html", {"form": form}, status=400 if form.errors else 200)


def _forms(request: HttpRequest, order: Order, bound: str = "", form: Any = None) -> dict[str, Any]:
    actors = order_actors(request.user, order.unit_id)
    allowed = {name for name, m in MOVES.items() if order.state in m.sources and actors & m.actors}
    context: dict[str, Any] = {}
    if "answer" in allowed:
        context["answer_form"] = form if bound == "answer" else AnswerForm()
    if allowed & {"accept", "return"}:
        context["review_form"] = form if bound == "review" else ReviewForm()
    if "withdraw" in allowed:
        context["withdraw_form"] = form if bound == "withdraw" else WithdrawForm()
    return context


def _page(request: HttpRequest, order: Order, *, bound: str = "", form: Any = None) -> HttpResponse:
    context = {
        "order": order,
        "events": list(order.events.select_related("actor").order_by("at", "id")),
        "overdue": order.state in (OrderState.ISSUED, OrderState.RETURNED)
        and order.deadline_at <= timezone.now(),
        **_forms(request, order, bound, form),
    }
    return render(request, "supervision/orders/order.html", context, status=400 if bound else 200)


@require_http_methods(["GET", "POST"])
@requires(may_see_orders)
def order_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The order, its log, and the forms this person may use (answer, review, withdraw)."""
    order = reads.get_order_for(request.user, pk)
    if request.method == "GET":
        return _page(request, order)
    step = request.POST.get("step", "")
    forms = {"answer": AnswerForm, "review": ReviewForm, "withdraw": WithdrawForm}
    if step not in forms:
        return _page(request, order)
    form = forms[step](request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if step == "answer":
                services.order_answer(actor=_user(request), order=order, answer=data["answer"])
            elif step == "review":
                services.order_review(
                    actor=_user(request),
                    order=order,
                    accept=data["decision"] == "accept",
                    comment=data["comment"],
                )
            else:
                services.order_withdraw(actor=_user(request), order=order, reason=data["reason"])
        except DomainError as exc:
            _error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:order", pk=order.pk)
    return _page(request, order, bound=step, form=form)
