"""R3.1 through the services: one head, at least one information officer, every change in the log."""

from __future__ import annotations

import datetime as dt

import pytest

from jiesu.org.models import Campus, Membership, Role, ServiceDays, Unit, User
from jiesu.people import roles, selectors, services
from jiesu.people.errors import PeopleError
from jiesu.people.models import PeopleAction, PeopleLog
from tests.support import dispatched, unit, user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_org")]


def _newcomer(username: str, number: str = "") -> User:
    return User.objects.create(username=username, full_name=f"新人{username}", number=number)


def _new_unit(code: str = "archives") -> Unit:
    return services.unit_create(actor=user("admin"), code=code, name="档案馆", kind="centre")


def test_a_second_head_is_refused_in_chinese_and_nothing_is_written() -> None:
    """Logistics has a head: giving it another one is refused with the current head's name, and neither a
    membership nor a log row is written."""
    logistics = unit("logistics")
    before = (Membership.objects.count(), PeopleLog.objects.count())
    with pytest.raises(PeopleError) as refused:
        roles.role_grant(actor=user("admin"), person=_newcomer("x1"), role=Role.UNIT_HEAD, unit=logistics)
    assert refused.value.code == "second_head"
    assert "已有负责人" in str(refused.value) and "马建华" in str(refused.value)
    assert (Membership.objects.count(), PeopleLog.objects.count()) == before


def test_replacing_the_head_hands_the_role_over_in_one_step() -> None:
    """The old head's membership ends and the new one's begins together; one log row says who replaced whom."""
    logistics, newcomer = unit("logistics"), _newcomer("x2")
    roles.head_replace(actor=user("admin"), unit=logistics, person=newcomer)
    heads = list(
        Membership.objects.filter(unit=logistics, role=Role.UNIT_HEAD).values_list(
            "user__username", flat=True
        )
    )
    assert heads == ["x2"]
    entry = PeopleLog.objects.get(action=PeopleAction.HEAD_REPLACED)
    assert entry.details == {"old": "head", "new": "x2"} and entry.actor == user("admin")


def test_the_head_and_the_last_officer_cannot_simply_be_withdrawn() -> None:
    """The head is replaced, not withdrawn; the only information officer stays until another is assigned, and
    then either may go."""
    logistics = unit("logistics")
    head = Membership.objects.get(unit=logistics, role=Role.UNIT_HEAD)
    with pytest.raises(PeopleError) as refused:
        roles.role_revoke(actor=user("admin"), membership=head)
    assert refused.value.code == "last_head"
    officers = Membership.objects.filter(unit=logistics, role=Role.INFO_OFFICER)
    for extra in officers[1:]:
        roles.role_revoke(actor=user("admin"), membership=extra)
    only = officers.get()
    with pytest.raises(PeopleError) as refused:
        roles.role_revoke(actor=user("admin"), membership=only)
    assert refused.value.code == "last_officer" and "至少" in str(refused.value)
    roles.role_grant(actor=user("admin"), person=_newcomer("x3"), role=Role.INFO_OFFICER, unit=logistics)
    roles.role_revoke(actor=user("admin"), membership=only)
    assert list(officers.values_list("user__username", flat=True)) == ["x3"]
    assert selectors.rule_breaches() == []


def test_a_new_unit_is_listed_until_it_has_a_head_and_an_officer() -> None:
    """The check lists active units without a head or an officer, and a unit whose head's account was
    disabled."""
    assert selectors.rule_breaches() == []
    archives = _new_unit()
    [breach] = selectors.rule_breaches()
    assert (breach.unit, breach.no_head, breach.no_officer) == (archives, True, True)
    head = _newcomer("x4")
    roles.role_grant(actor=user("admin"), person=head, role=Role.UNIT_HEAD, unit=archives)
    [breach] = selectors.rule_breaches()
    assert (breach.no_head, breach.no_officer) == (False, True)
    roles.role_grant(actor=user("admin"), person=_newcomer("x5"), role=Role.INFO_OFFICER, unit=archives)
    assert selectors.rule_breaches() == []
    User.objects.filter(pk=head.pk).update(is_active=False)
    assert [(b.unit, b.no_head) for b in selectors.rule_breaches()] == [(archives, True)]


@pytest.mark.parametrize(
    ("role", "unit_code", "code"),
    [
        (Role.INFO_OFFICER, None, "unit_required"),
        (Role.INSPECTOR, "logistics", "school_wide"),
        (Role.INFO_OFFICER, "logistics", "duplicate"),
    ],
)
def test_roles_in_the_wrong_place_are_refused(role: Role, unit_code: str | None, code: str) -> None:
    """Unit roles need a unit, school-wide roles have none, and nobody holds the same role twice."""
    target = unit(unit_code) if unit_code else None
    with pytest.raises(PeopleError) as refused:
        roles.role_grant(actor=user("admin"), person=user("officer"), role=role, unit=target)
    assert refused.value.code == code


def test_a_unit_with_open_requests_cannot_retire() -> None:
    """Retiring the lead unit of an open request is refused with the count; an idle unit retires, its roles no
    longer count, and it comes back."""
    dispatched(lead="logistics")
    with pytest.raises(PeopleError) as refused:
        services.unit_retire(actor=user("admin"), unit=unit("logistics"))
    assert refused.value.code == "open_tickets" and "1" in str(refused.value)
    assert Unit.objects.get(code="logistics").is_active
    archives = _new_unit()
    services.unit_retire(actor=user("admin"), unit=archives)
    archives.refresh_from_db()
    assert not archives.is_active
    assert selectors.rule_breaches() == []  # a retired unit is not held to R3.1
    with pytest.raises(PeopleError):
        roles.role_grant(actor=user("admin"), person=_newcomer("x6"), role=Role.UNIT_STAFF, unit=archives)
    services.unit_restore(actor=user("admin"), unit=archives)
    assert [e.action for e in PeopleLog.objects.filter(unit=archives).order_by("id")] == [
        PeopleAction.UNIT_CREATED,
        PeopleAction.UNIT_RETIRED,
        PeopleAction.UNIT_RESTORED,
    ]


def test_hotline_hours_are_checked_and_changes_logged() -> None:
    """Closing before opening, or only one of the two times, is refused; both empty means around the clock."""
    logistics, campus = unit("logistics"), Campus.objects.get(code="beijing")
    common = {
        "actor": user("admin"),
        "unit": logistics,
        "campus": campus,
        "number": "88562008",
        "service_label": "工作日",
        "service_days": ServiceDays.WORKDAYS,
    }
    with pytest.raises(PeopleError):
        services.hotline_save(**common, opens_at=dt.time(17), closes_at=dt.time(8))
    with pytest.raises(PeopleError):
        services.hotline_save(**common, opens_at=dt.time(8), closes_at=None)
    with pytest.raises(PeopleError):
        services.hotline_save(**{**common, "number": "<b>1</b>"}, opens_at=None, closes_at=None)
    line = services.hotline_save(**common, opens_at=None, closes_at=None)
    assert line.around_the_clock
    entry = PeopleLog.objects.get(action=PeopleAction.HOTLINE_SAVED)
    assert entry.details["after"]["hours"] == "24小时"
    services.hotline_save(**common, opens_at=None, closes_at=None)  # nothing changed: nothing logged
    assert PeopleLog.objects.filter(action=PeopleAction.HOTLINE_SAVED).count() == 1


def test_the_log_is_append_only() -> None:
    """A written log row cannot be saved again."""
    _new_unit()
    entry = PeopleLog.objects.get()
    entry.summary = "改写"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()


def test_a_unit_code_or_name_twice_is_refused() -> None:
    _new_unit()
    with pytest.raises(PeopleError):
        _new_unit()
    with pytest.raises(PeopleError):
        services.unit_create(actor=user("admin"), code="Bad Code", name="x", kind="centre")
