"""Who may read and edit the knowledge base (R2.8). The one place this app decides access.

* Editors: the Office (dispatchers, duty operators) for every unit's answers; a unit's information officers
  for their own unit's answers only.
* Staff (anyone holding a role) read every published answer, marked when it is past its review date, and
  editors also their units' drafts and retired answers.
* Requesters read published answers that are within their review date only: an answer past its review date
  may be out of date, so it is hidden from them until its unit reviews it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiesu.knowledge.models import Answer, AnswerState
from jiesu.org.models import Role, Unit
from jiesu.org.selectors import roles_for


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_office(user: Any) -> bool:
    return _signed_in(user) and roles_for(user).is_office


def editable_units(user: Any) -> QuerySet[Unit]:
    """The units whose answers ``user`` may write."""
    if not _signed_in(user):
        return Unit.objects.none()
    if roles_for(user).is_office:
        return Unit.objects.filter(is_active=True)
    return Unit.objects.filter(pk__in=roles_for(user).unit_ids(Role.INFO_OFFICER), is_active=True)


def may_edit_unit(user: Any, unit: Unit) -> bool:
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return roles.is_office or unit.pk in roles.unit_ids(Role.INFO_OFFICER)


def may_edit(user: Any, answer: Answer) -> bool:
    return may_edit_unit(user, answer.unit)


def may_manage(user: Any) -> bool:
    """Sees the editing pages (the Office or an information officer)."""
    if not _signed_in(user):
        return False
    roles = roles_for(user)
    return roles.is_office or bool(roles.unit_ids(Role.INFO_OFFICER))


def is_staff_reader(user: Any) -> bool:
    return _signed_in(user) and roles_for(user).is_staff_member


def current_published() -> QuerySet[Answer]:
    """Published answers within their review date: what a requester may see."""
    today = timezone.localdate()
    return Answer.objects.filter(state=AnswerState.PUBLISHED, review_on__gte=today)


def usable_answers(user: Any) -> QuerySet[Answer]:
    """Answers that may be suggested to ``user`` or given to a requester: published (and, for requesters,
    within their review date). Staff see answers past review too, marked, so they can tell the unit."""
    if is_staff_reader(user):
        return Answer.objects.filter(state=AnswerState.PUBLISHED)
    if _signed_in(user):
        return current_published()
    return Answer.objects.none()


def readable_answers(user: Any) -> QuerySet[Answer]:
    """Answers ``user`` may open: usable ones, plus every answer of the units they edit."""
    usable = usable_answers(user)
    if not may_manage(user):
        return usable
    if roles_for(user).is_office:
        return Answer.objects.all()
    return Answer.objects.filter(Q(pk__in=usable.values("pk")) | Q(unit__in=editable_units(user)))
