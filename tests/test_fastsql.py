"""The hand-built statements of the hot paths (jiesu.fastsql) give what the ORM gives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiesu import fastsql
from jiesu.api.models import ApiToken
from jiesu.api.selectors import active_token
from jiesu.api.services import token_create, token_revoke
from jiesu.notify.models import Notification, Outbox
from jiesu.org.models import Campus, Membership, Role, Unit, User
from jiesu.org.selectors import campus_by_code, clear_roles_cache, roles_for
from jiesu.tickets.models import Event, Ticket
from jiesu.tickets.services import ticket_create

pytestmark = pytest.mark.django_db


def _ticket() -> Ticket:
    duty = User.objects.get(username="duty")
    return ticket_create(
        actor=duty,
        channel="duty_room",
        type="help",
        campus=Campus.objects.get(code="beijing"),
        content="图书馆三楼自习室空调不制冷",
        requester_name="王同学",
        contact_phone="13812345678",
    ).ticket


def test_insert_matches_the_orm_row_for_row(demo_org: None) -> None:
    """JSON, datetimes, foreign keys and defaults are stored as the ORM stores them; keys come back."""
    ticket = _ticket()
    at = timezone.now().replace(microsecond=0)
    fast = Event(ticket=ticket, at=at, action="note", after={"层级": "部门", "n": 1}, reason="核实")
    (saved,) = fastsql.insert([fast])
    assert saved.pk is not None and not saved._state.adding
    again = Event.objects.get(pk=saved.pk)
    assert (again.ticket_id, again.at, again.after, again.before, again.reason, again.public) == (
        ticket.pk,
        at,
        {"层级": "部门", "n": 1},
        {},
        "核实",
        False,
    )


def test_insert_takes_the_key_of_a_related_object_saved_first(demo_org: None) -> None:
    """An outbox row built around an unsaved notification gets the notification's key once it is inserted."""
    head = User.objects.get(username="head")
    note = Notification(recipient=head, event="overdue", title="超期", body="……", url="/")
    row = Outbox(notification=note, event="overdue", channel="email", address="head@example.cn", body="……")
    fastsql.insert([note])
    fastsql.insert([row])
    assert Outbox.objects.get(pk=row.pk).notification_id == note.pk


def test_insert_splits_large_batches_like_bulk_create(demo_org: None) -> None:
    head = User.objects.get(username="head")
    notes = [
        Notification(recipient=head, event="overdue", title=f"超期{i}", body="", url="/") for i in range(700)
    ]
    with CaptureQueriesContext(connection) as captured:
        fastsql.insert(notes)
    assert len({n.pk for n in notes}) == 700
    assert len(captured.captured_queries) >= 2  # at most 500 rows (fewer on SQLite) a statement
    titles = dict(Notification.objects.filter(pk__in=[n.pk for n in notes]).values_list("pk", "title"))
    assert all(titles[n.pk] == n.title for n in notes)  # keys match their own rows


def test_a_batch_is_stored_as_the_orm_stores_it_and_keys_follow_the_rows(demo_org: None) -> None:
    """Several rows at once (PostgreSQL: one array per column, UNNEST): JSON, NULLs — a column of NULLs only
    too — booleans and datetimes arrive as the ORM writes them, each row with its own key; the statement's
    text does not depend on how many rows it carries."""
    ticket = _ticket()
    at = timezone.now()
    events = [
        Event(
            ticket=ticket,
            at=at,
            action="note",
            after={"层级": "部门", "n": i},
            reason=f"核实{i}",
            public=i % 2 == 0,
        )
        for i in range(3)
    ]
    events[1].actor = User.objects.get(username="duty")
    rows = [Outbox(event="overdue", channel="email", address=f"h{i}@example.cn", body="…") for i in range(4)]
    with CaptureQueriesContext(connection) as captured:
        fastsql.insert(events)
        fastsql.insert(rows)
    assert len(captured.captured_queries) == 2
    for event in events:
        again = Event.objects.get(pk=event.pk)
        assert (again.after, again.reason, again.public, again.at, again.actor_id) == (
            event.after,
            event.reason,
            event.public,
            at,
            event.actor_id,
        )
    stored = {o.pk: o for o in Outbox.objects.filter(pk__in=[r.pk for r in rows])}
    assert [stored[r.pk].address for r in rows] == [r.address for r in rows]
    assert all(stored[r.pk].lease_until is None and stored[r.pk].notification_id is None for r in rows)
    if connection.vendor == "postgresql":
        more = [Outbox(event="overdue", channel="email", address="x", body="") for _ in range(7)]
        with CaptureQueriesContext(connection) as again_captured:
            fastsql.insert(more)
        assert "UNNEST" in again_captured.captured_queries[0]["sql"]
        assert fastsql._insert_sql(Outbox, 7, "postgresql") == fastsql._insert_sql(Outbox, 4, "postgresql")


def test_a_batch_converts_values_of_another_type_and_refuses_what_does_not_fit(demo_org: None) -> None:
    """``True`` in an integer column and a date column in a batch arrive as the ORM would store them (one type
    per column, as PostgreSQL's arrays need); a text longer than its column is refused, never cut."""
    from django.db import DataError, transaction

    from jiesu.tickets.models import TicketSequence

    rows = [
        Outbox(event="overdue", channel="email", address="a@example.cn", body="", attempts=True),
        Outbox(event="overdue", channel="email", address="b@example.cn", body="", attempts=2),
    ]
    fastsql.insert(rows)
    assert [Outbox.objects.get(pk=r.pk).attempts for r in rows] == [1, 2]
    days = [TicketSequence(day=dt.date(2026, 11, d), last=d) for d in (2, 3)]
    fastsql.insert(days)
    assert dict(TicketSequence.objects.filter(day__month=11).values_list("day", "last")) == {
        dt.date(2026, 11, 2): 2,
        dt.date(2026, 11, 3): 3,
    }
    long = [Outbox(event="overdue", channel="email", address="x" * 300, body="") for _ in range(2)]
    if connection.vendor == "postgresql":  # SQLite does not enforce lengths
        with pytest.raises(DataError), transaction.atomic():
            fastsql.insert(long)
        assert not Outbox.objects.filter(address__startswith="xxx").exists()


def test_load_gives_the_same_instance_as_the_orm(demo_org: None) -> None:
    user = User.objects.get(username="officer")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {fastsql.select_list(User, 'u')} FROM org_user u WHERE u.id = %s", [user.pk])  # noqa: S608
        loaded = fastsql.load(User, cursor.fetchone())
    for f in User._meta.concrete_fields:
        assert getattr(loaded, f.attname) == getattr(user, f.attname), f.name
    assert isinstance(loaded.is_active, bool) and isinstance(loaded.date_joined, dt.datetime)
    assert timezone.is_aware(loaded.date_joined)


def test_token_lookup_refuses_revoked_tokens_and_inactive_people(demo_org: None) -> None:
    duty = User.objects.get(username="duty")
    issued = token_create(user=duty, name="12345 转办接口")
    found = active_token(issued.secret)
    assert found is not None and found.pk == issued.token.pk and found.user.username == "duty"
    assert active_token(issued.secret + "x") is None
    duty.is_active = False
    duty.save(update_fields=["is_active"])
    assert active_token(issued.secret) is None
    duty.is_active = True
    duty.save(update_fields=["is_active"])
    token_revoke(token=ApiToken.objects.get(pk=issued.token.pk))
    assert active_token(issued.secret) is None


def test_roles_leave_out_inactive_units_but_keep_school_wide_roles(demo_org: None) -> None:
    officer = User.objects.get(username="officer")
    unit = Unit.objects.get(pk=Membership.objects.filter(user=officer).values("unit_id")[:1])
    Membership.objects.create(user=officer, role=Role.LEADER)
    assert roles_for(officer).unit_ids() == {unit.pk}
    assert roles_for(officer).has(Role.LEADER)
    unit.is_active = False
    unit.save(update_fields=["is_active"])
    clear_roles_cache(officer)
    roles = roles_for(officer)
    assert roles.unit_ids() == frozenset() and roles.has(Role.LEADER)


def test_campus_lookup_is_cached_and_forgets_a_change(demo_org: None) -> None:
    beijing = campus_by_code("beijing")
    assert beijing is not None and beijing.name == "北京校区"
    with CaptureQueriesContext(connection) as captured:
        assert campus_by_code("beijing") is beijing
    assert not captured.captured_queries
    assert campus_by_code("nowhere") is None  # a miss re-reads, so a campus added elsewhere is found
    Campus.objects.filter(pk=beijing.pk).update(name="北京校区（育新）")
    Campus.objects.get(pk=beijing.pk).save()  # a save in this process clears the copy at once
    renamed = campus_by_code("beijing")
    assert renamed is not None and renamed.name == "北京校区（育新）"


def test_update_changes_only_matching_rows(demo_org: None) -> None:
    head = User.objects.get(username="head")
    note = Notification(recipient=head, event="overdue", title="超期", body="", url="/")
    row = Outbox(notification=note, event="overdue", channel="email", address="head@example.cn", body="正文")
    fastsql.insert([note])
    fastsql.insert([row])
    at = timezone.now()
    assert fastsql.update(Outbox, {"id": row.pk, "state": "sending"}, {"state": "sent", "sent_at": at}) == 0
    assert fastsql.update(Outbox, {"id": row.pk, "state": "pending"}, {"state": "sent", "sent_at": at}) == 1
    row.refresh_from_db()
    assert (row.state, row.sent_at, row.body) == ("sent", at, "正文")


def test_token_lookup_brings_the_callers_roles_without_another_query(demo_org: None) -> None:
    officer = User.objects.get(username="officer")
    unit_id = Membership.objects.filter(user=officer).values_list("unit_id", flat=True)[0]
    Membership.objects.create(user=officer, role=Role.LEADER)
    issued = token_create(user=officer)
    found = active_token(issued.secret)
    assert found is not None
    with CaptureQueriesContext(connection) as captured:
        roles = roles_for(found.user)
    assert not captured.captured_queries
    assert roles.unit_ids() == {unit_id} and roles.has(Role.LEADER)
    Unit.objects.filter(pk=unit_id).update(is_active=False)
    found = active_token(issued.secret)
    assert found is not None
    assert roles_for(found.user).unit_ids() == frozenset() and roles_for(found.user).has(Role.LEADER)
    student = token_create(user=User.objects.get(username="student"))
    found = active_token(student.secret)
    assert found is not None and not roles_for(found.user).is_staff_member
