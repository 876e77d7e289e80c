"""The Office's mailbox desk (R2.2, R4.7): triage each letter, dispatch it after a leader's instruction, approve
the masked text for the board. Thin views over ``selectors`` and ``services``."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jiesu import privacy
from jiesu.mailbox import selectors, services
from jiesu.mailbox.forms import DispatchForm, DispatchInstructedForm, PublishForm, ReferForm, WithdrawForm
from jiesu.mailbox.models import Letter, Route
from jiesu.mailbox.permissions import may_triage
from jiesu.org.models import User
from jiesu.tickets.errors import DomainError
from jiesu.tickets.models import Reply
from jiesu.tickets.states import Status


def _office(request: HttpRequest) -> User:
    if not may_triage(request.user):
        raise PermissionDenied
    return request.user  # type: ignore[return-value]


def _letter(pk: int) -> Letter:
    letter = selectors.letter(pk)
    if letter is None:
        raise Http404
    return letter


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    _office(request)
    queues = {name: list(qs[:50]) for name, qs in selectors.office_queues().items()}
    return render(request, "mailbox/office.html", {"queues": queues})


class _Texts:
    """The letter's latest formal reply and the names the checker masks, each read once a request (the names are
    every person of the organization: the forms and the page share one read)."""

    def __init__(self, letter: Letter) -> None:
        self.ticket = letter.ticket

    @cached_property
    def reply(self) -> Reply | None:
        return selectors.formal_reply(self.ticket)

    @cached_property
    def names(self) -> list[str]:
        return selectors.names_to_mask(self.ticket)


def _forms(letter: Letter, texts: _Texts, data: Any = None, action: str = "") -> dict[str, forms.Form]:
    """The forms the letter's state offers; the one posted (``action``) is bound to ``data``."""
    ticket = letter.ticket
    names: list[str] = []
    if not letter.route:
        names = ["public", "refer"]
    elif letter.route == Route.PRIVATE and ticket.status == Status.NEW and selectors.instruction(letter):
        names = ["instructed"]
    elif letter.route == Route.PUBLIC and not hasattr(letter, "publication") and letter.public_reply_wanted:
        names = ["publish"] if texts.reply else []
    classes = {
        "public": DispatchForm,
        "refer": ReferForm,
        "instructed": DispatchInstructedForm,
        "publish": PublishForm,
    }
    built: dict[str, forms.Form] = {}
    for name in names:
        bound = data if name == action else None
        initial = _publish_initial(letter, texts) if name == "publish" and bound is None else None
        built[name] = classes[name](bound, initial=initial, prefix=name)
    return built


def _publish_initial(letter: Letter, texts: _Texts) -> dict[str, str]:
    """The checker's masked proposal; the Office edits it before approving."""
    return {
        "title": privacy.mask(letter.ticket.subject, texts.names),
        "question": privacy.mask(letter.ticket.content, texts.names),
        "answer": privacy.mask(texts.reply.body if texts.reply else "", texts.names),
    }


def _page(
    request: HttpRequest, letter: Letter, texts: _Texts, built: dict[str, forms.Form], status: int = 200
) -> HttpResponse:
    names, reply = texts.names, texts.reply
    context = {
        "letter": letter,
        "ticket": letter.ticket,
        "forms": built,
        "instruction": selectors.instruction(letter),
        "reply": reply,
        "content_segments": privacy.segments(letter.ticket.content, names),
        "reply_segments": privacy.segments(reply.body, names) if reply else [],
        "findings": privacy.find(letter.ticket.content, names)
        + (privacy.find(reply.body, names) if reply else []),
        "publication": getattr(letter, "publication", None),
        "withdraw_form": WithdrawForm(prefix="withdraw"),
        "log": letter.log.select_related("actor"),
    }
    return render(request, "mailbox/office_letter.html", context, status=status)


@login_required
@require_GET
def letter_page(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    letter = _letter(pk)
    texts = _Texts(letter)
    return _page(request, letter, texts, _forms(letter, texts))


def _run(action: str, actor: User, letter: Letter, data: dict[str, Any]) -> str:
    """Call the one service of ``action``; return what the Office is told."""
    if action == "public":
        services.letter_dispatch_public(
            actor=actor, letter=letter, lead_unit=data["lead_unit"], note=data["note"]
        )
        return _("The letter was dispatched for a public reply.")
    if action == "refer":
        services.letter_refer(actor=actor, letter=letter, leader=data["leader"], body=data["body"])
        return _("The letter was submitted to the leader for an instruction.")
    if action == "instructed":
        services.letter_dispatch_instructed(actor=actor, letter=letter, lead_unit=data["lead_unit"])
        return _("The letter was dispatched with the leader's instruction.")
    services.publication_approve(actor=actor, letter=letter, **data)
    return _("The reply is published on the board.")


@login_required
@require_POST
def letter_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    actor = _office(request)
    letter = _letter(pk)
    texts = _Texts(letter)
    built = _forms(letter, texts, request.POST, action)
    form = built.get(action)
    if form is None:
        messages.error(request, _("This step is not available for the letter now."))
        return redirect("mailbox:office_letter", pk=letter.pk)
    if form.is_valid():
        try:
            told = _run(action, actor, letter, form.cleaned_data)
        except DomainError as error:
            form.add_domain_error(error)  # type: ignore[attr-defined]
        else:
            messages.success(request, told)
            return redirect("mailbox:office_letter", pk=letter.pk)
    return _page(request, letter, texts, built, status=200)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _office(request)
    letter = _letter(pk)
    publication = getattr(letter, "publication", None)
    form = WithdrawForm(request.POST, prefix="withdraw")
    if publication is None or not form.is_valid():
        messages.error(request, _("Say why the letter is taken off the board."))
        return redirect("mailbox:office_letter", pk=letter.pk)
    try:
        services.publication_withdraw(
            actor=actor, publication=publication, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The letter was taken off the board."))
    return redirect("mailbox:office_letter", pk=letter.pk)
