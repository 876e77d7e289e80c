"""The Office's hot-topic and task-force pages (R9.1, R6.4): thin views over selectors and services."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from jiesu.insight import permissions, selectors, services, taskforces
from jiesu.insight.models import HotTopic, TaskForce, TaskForceEvent
from jiesu.org.models import Unit
from jiesu.tickets.errors import DomainError
from jiesu.tickets.permissions import visible_tickets


class OpenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    lead_unit = forms.ModelChoiceField(
        label=gettext_lazy("Lead unit"), queryset=Unit.objects.filter(is_active=True).order_by("name")
    )


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (TaskForceEvent.Kind.MEETING, gettext_lazy("Meeting")),
            (TaskForceEvent.Kind.ACTION, gettext_lazy("Action")),
        ],
    )
    text = forms.CharField(
        label=gettext_lazy("What was decided or done"), widget=forms.Textarea(attrs={"rows": 3})
    )


class CloseForm(forms.Form):
    measure = forms.CharField(
        label=gettext_lazy("Root-cause measure"), widget=forms.Textarea(attrs={"rows": 3})
    )


def _office(request: HttpRequest) -> None:
    if not permissions.may_see_insight(request.user):
        raise PermissionDenied


def _task_force_for(request: HttpRequest, pk: int) -> TaskForce:
    task_force = get_object_or_404(
        TaskForce.objects.select_related("lead_unit", "leader", "hot_topic"), pk=pk
    )
    if not permissions.may_see_task_force(request.user, task_force):
        raise PermissionDenied
    return task_force


@require_GET
@login_required
def hot_topics(request: HttpRequest) -> HttpResponse:
    _office(request)
    topics = selectors.hot_topics()
    units = selectors.topic_units(topics)
    for topic in topics:
        topic.unit_names = units.get(topic.pk, [])  # type: ignore[attr-defined]
    chart = selectors.trend(topics[:10])
    chart["title"] = _("Requests per day of each hot topic")
    chart["yname"] = _("Requests")
    return render(request, "insight/hot_topics.html", {"topics": topics, "chart": chart})


@require_POST
@login_required
def hot_topics_refresh(request: HttpRequest) -> HttpResponse:
    _office(request)
    new, seen = services.hot_topics_record()
    messages.success(
        request,
        _("Hot topics recomputed: %(new)s new, %(seen)s still hot.") % {"new": len(new), "seen": len(seen)},
    )
    return redirect("insight:hot_topics")


@require_GET
@login_required
def hot_topic(request: HttpRequest, pk: int) -> HttpResponse:
    _office(request)
    topic = get_object_or_404(HotTopic, pk=pk)
    tickets = selectors.topic_tickets(request.user, topic)  # type: ignore[arg-type]
    common = Counter(t.lead_unit_id for t in tickets if t.lead_unit_id).most_common(1)
    form = OpenForm(initial={"name": topic.label, "lead_unit": common[0][0] if common else None})
    chart = selectors.trend([topic])
    chart["title"] = _("Requests per day")
    chart["yname"] = _("Requests")
    context = {
        "topic": topic,
        "tickets": tickets,
        "form": form,
        "chart": chart,
        "forces": topic.task_forces.select_related("lead_unit", "leader"),
    }
    return render(request, "insight/hot_topic.html", context)


@require_GET
@login_required
def task_force_list(request: HttpRequest) -> HttpResponse:
    _office(request)
    context = {"forces": selectors.task_forces(), "form": OpenForm()}
    return render(request, "insight/task_forces.html", context)


@require_POST
@login_required
def task_force_open(request: HttpRequest) -> HttpResponse:
    _office(request)
    topic = None
    if request.POST.get("hot_topic"):
        topic = get_object_or_404(HotTopic, pk=request.POST["hot_topic"])
    form = OpenForm(request.POST)
    if form.is_valid():
        try:
            task_force = taskforces.task_force_open(
                actor=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                lead_unit=form.cleaned_data["lead_unit"],
                hot_topic=topic,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The task force was opened."))
            return redirect("insight:task_force", task_force.pk)
    else:
        messages.error(request, _("Give the task force a name and a lead unit."))
    return redirect("insight:hot_topic", topic.pk) if topic else redirect("insight:task_forces")


@require_GET
@login_required
def task_force(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = _task_force_for(request, pk)
    context = {
        "tf": task_force,
        "tickets": selectors.task_force_tickets(request.user, task_force),  # type: ignore[arg-type]
        "proposals": selectors.task_force_proposals(request.user, task_force),  # type: ignore[arg-type]
        "events": task_force.events.select_related("actor", "ticket"),
        "note_form": NoteForm(),
        "close_form": CloseForm(),
    }
    return render(request, "insight/task_force.html", context)


@require_POST
@login_required
def task_force_link(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = _task_force_for(request, pk)
    numbers = request.POST.getlist("ticket")
    tickets = list(visible_tickets(request.user).filter(number__in=numbers))  # type: ignore[arg-type]
    if not tickets:
        messages.error(request, _("Choose the tickets to link."))
        return redirect("insight:task_force", pk)
    try:
        added = taskforces.task_force_link(actor=request.user, task_force=task_force, tickets=tickets)  # type: ignore[arg-type]
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s tickets linked.") % {"n": added})
    return redirect("insight:task_force", pk)


@require_POST
@login_required
def task_force_note(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = _task_force_for(request, pk)
    form = NoteForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Write what was decided or done."))
        taskforces.task_force_note(
            actor=request.user,  # type: ignore[arg-type]
            task_force=task_force,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("insight:task_force", pk)


@require_POST
@login_required
def task_force_close(request: HttpRequest, pk: int) -> HttpResponse:
    task_force = _task_force_for(request, pk)
    try:
        taskforces.task_force_close(
            actor=request.user,  # type: ignore[arg-type]
            task_force=task_force,
            measure=request.POST.get("measure", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The task force was closed."))
    return redirect("insight:task_force", pk)
