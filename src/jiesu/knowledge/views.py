"""Knowledge base pages (R2.8): search for everyone signed in, the suggestions panel of the intake forms, the
on-the-spot answer of a call, and the editing pages of the units' officers and the Office. Thin: parse,
fetch through ``permissions``, call one service, render."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from jiesu.knowledge import permissions, selectors, services
from jiesu.knowledge.forms import AnswerForm, SearchForm
from jiesu.knowledge.models import Answer, AnswerState
from jiesu.org.models import User
from jiesu.org.selectors import roles_for
from jiesu.tickets.attachments import check_files
from jiesu.tickets.errors import DomainError
from jiesu.tickets.forms_intake import StaffIntakeForm, recordable_channels

SUGGESTIONS = 3
PAGE_SIZE = 30
ANSWERED_SESSION_KEY = "knowledge_answered"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _readable(request: HttpRequest, pk: int) -> Answer:
    answer = permissions.readable_answers(request.user).select_related("unit").filter(pk=pk).first()
    if answer is None:
        raise Http404
    return answer


@login_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The search page: published answers ranked by shared tokens (requesters: within their review date)."""
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    hits = (
        selectors.search(query, answers=permissions.usable_answers(request.user), limit=20) if query else []
    )
    return render(
        request,
        "knowledge/search.html",
        {"form": form, "query": query, "hits": hits, "may_manage": permissions.may_manage(request.user)},
    )


@login_required
@require_GET
def suggest(request: HttpRequest) -> HttpResponse:
    """htmx partial for the request forms: up to 3 answers sharing words with what is being typed. With
    ``call=1`` (the staff form of a hotline call) each answer offers "answered with this"."""
    text = " ".join(request.GET.get(name, "")[:2000] for name in ("subject", "content")).strip()
    on_call = request.GET.get("call") == "1" and bool(recordable_channels(roles_for(request.user)))
    hits = (
        selectors.search(text, answers=permissions.usable_answers(request.user), limit=SUGGESTIONS)
        if text
        else []
    )
    return render(
        request, "knowledge/_suggestions.html", {"hits": hits, "on_call": on_call, "typed": bool(text)}
    )


@login_required
@require_GET
def peek(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx partial: an answer's text, opened from the suggestions; counts a view."""
    answer = _readable(request, pk)
    if answer.state == AnswerState.PUBLISHED:
        services.answer_view(answer=answer)
    return render(request, "knowledge/_peek.html", {"answer": answer})


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One answer; an opening of a published answer counts a view."""
    answer = _readable(request, pk)
    if answer.state == AnswerState.PUBLISHED:
        services.answer_view(answer=answer)
        answer.view_count += 1
    return render(
        request,
        "knowledge/detail.html",
        {
            "answer": answer,
            "past_review": selectors.is_past_review(answer),
            "may_edit": permissions.may_edit(request.user, answer),
        },
    )


@login_required
@require_POST
def answer_call(request: HttpRequest, pk: int) -> HttpResponse:
    """R2.8: the staff intake form, submitted with "answered with this": a ticket whose formal reply is the
    answer (sent at once by a head, otherwise awaiting the head, R4.3; see ``services.answer_on_call``)."""
    roles = roles_for(request.user)
    if not recordable_channels(roles):
        raise PermissionDenied
    answer = get_object_or_404(permissions.usable_answers(request.user), pk=pk)
    form = StaffIntakeForm(request.POST, request.FILES, roles=roles)
    if form.is_valid():
        try:
            check_files(form.cleaned_data["attachments"])
            on_call = services.answer_on_call(
                actor=_user(request),
                answer=answer,
                files=form.cleaned_data["attachments"],
                **form.service_fields(),
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            request.session[ANSWERED_SESSION_KEY] = {"use": on_call.use.pk, "code": on_call.tracking_code}
            return redirect("knowledge:answered")
    return render(request, "tickets/intake/staff.html", {"form": form}, status=422)


@login_required
@require_GET
def answered(request: HttpRequest) -> HttpResponse:
    """The ticket recorded for an on-the-spot answer: number and tracking code (once), and the reply's state."""
    shown = request.session.pop(ANSWERED_SESSION_KEY, None)
    if not shown:
        return redirect("intake:staff")
    use = get_object_or_404(selectors.uses_by(_user(request)), pk=shown["use"])
    return render(request, "knowledge/answered.html", {"use": use, "code": shown["code"]})


# --- Editing: the units' information officers and the Office -----------------------------------------------


def _manager(request: HttpRequest) -> User:
    if not permissions.may_manage(request.user):
        raise PermissionDenied
    return _user(request)


@login_required
@require_GET
def manage(request: HttpRequest) -> HttpResponse:
    """The answers of the units the person edits, those past their review date first."""
    user = _manager(request)
    answers = selectors.answers_for_units(
        permissions.readable_answers(user),
        list(permissions.editable_units(user).values_list("pk", flat=True)),
    )
    state = request.GET.get("state", "")
    if state in AnswerState.values:
        answers = answers.filter(state=state)
    due = selectors.past_review(answers.filter(state=AnswerState.PUBLISHED))
    page = Paginator(answers, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/manage.html",
        {"page": page, "due": due, "state": state, "states": AnswerState.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    user = _manager(request)
    units = permissions.editable_units(user)
    # A first review half a year on, unless the officer picks another date.
    initial = {"review_on": timezone.localdate() + dt.timedelta(days=180), "unit": units.first()}
    form = AnswerForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answer = services.answer_create(
                actor=user,
                unit=data["unit"],
                question=data["question"],
                answer=data["answer"],
                keywords=data["keywords"],
                review_on=data["review_on"],
                publish="publish" in request.POST,
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("knowledge:edit", answer.pk)
    return render(
        request, "knowledge/edit.html", {"form": form, "answer": None}, status=422 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    answer = _readable(request, pk)
    if not permissions.may_edit(user, answer):
        raise PermissionDenied
    initial = {f: getattr(answer, f) for f in ("question", "answer", "keywords", "review_on")}
    form = AnswerForm(
        request.POST or None,
        units=permissions.editable_units(user),
        initial={**initial, "unit": answer.unit_id},
    )
    form.fields["unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.answer_update(
                actor=user,
                answer=answer,
                question=data["question"],
                answer_text=data["answer"],
                keywords=data["keywords"],
                review_on=data["review_on"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            return redirect("knowledge:edit", answer.pk)
    context = {
        "form": form,
        "answer": answer,
        "moves": services.MOVES[AnswerState(answer.state)],
        "history": selectors.history(answer),
        "past_review": selectors.is_past_review(answer),
        "uses": selectors.uses_of(answer)[:20],
    }
    return render(request, "knowledge/edit.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def set_state(request: HttpRequest, pk: int) -> HttpResponse:
    user = _manager(request)
    answer = _readable(request, pk)
    try:
        services.answer_set_state(actor=user, answer=answer, state=request.POST.get("state", ""))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect(reverse("knowledge:edit", args=[answer.pk]))
