"""Roles come from memberships; one person may hold several (rules §3)."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jiesu.org.models import Membership, Role, Unit
from jiesu.org.selectors import clear_roles_cache, roles_for


@pytest.mark.django_db
def test_a_person_with_several_roles(person) -> None:
    """A unit head who is also an inspector resolves both roles, each in its own scope."""
    head = person("head")
    logistics = Unit.objects.get(code="logistics")
    library = Unit.objects.get(code="library")
    Membership.objects.create(user=head, role=Role.INSPECTOR)
    Membership.objects.create(user=head, role=Role.UNIT_STAFF, unit=library)
    clear_roles_cache(head)
    roles = roles_for(head)
    assert roles.roles == {Role.UNIT_HEAD, Role.INSPECTOR, Role.UNIT_STAFF}
    assert roles.unit_ids(Role.UNIT_HEAD) == {logistics.pk}
    assert roles.unit_ids(Role.UNIT_STAFF) == {library.pk}
    assert roles.unit_ids() == {logistics.pk, library.pk}
    assert roles.has(Role.INSPECTOR) and not roles.has(Role.LEADER)
    assert not roles.is_office


@pytest.mark.django_db
def test_requester_has_no_roles(person) -> None:
    roles = roles_for(person("student"))
    assert roles.roles == frozenset() and not roles.is_staff_member


@pytest.mark.django_db
def test_roles_in_inactive_units_do_not_count(person) -> None:
    """A unit that is switched off grants nothing."""
    Unit.objects.filter(code="logistics").update(is_active=False)
    assert not roles_for(person("head")).has(Role.UNIT_HEAD)


@pytest.mark.django_db
def test_roles_resolve_in_one_query(person, django_assert_num_queries) -> None:
    head = person("head")
    with django_assert_num_queries(1):
        roles_for(head)
        roles_for(head)


@pytest.mark.django_db
def test_a_unit_has_only_one_head(person) -> None:
    """R3.1: a second head for the same unit is refused by the database."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(
            user=person("officer"), role=Role.UNIT_HEAD, unit=Unit.objects.get(code="logistics")
        )


@pytest.mark.django_db
def test_unit_roles_need_a_unit(person) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=person("student"), role=Role.INFO_OFFICER, unit=None)
