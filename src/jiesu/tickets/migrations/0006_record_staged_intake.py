"""Record every request still waiting in ``StagedIntake`` (accepted through the API, not yet written by the
worker) as a ticket, then remove the staging table: from now on every channel records at once.

Runs on the historical models only. Each waiting request becomes what intake wrote at the time: the ticket with
its number and the hash of the tracking code its requester already holds, the response clock (R4.1) and the
Office's dispatch or triage clock (R4.5, R4.7), and its "create" history (R10.4). A request answered on the call
is acknowledged as it was accepted (response clock met, the default reply clock, handling). Nothing is lost: a row that cannot be
recorded stops the migration with its number, and the table stays until it is fixed."""

import datetime as dt
import hashlib

from django.db import migrations

DIRECT = {"hotline", "walk_in"}


def _hash(number: str, code: str) -> str:
    normalized = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(f"{number}:{normalized}".encode()).hexdigest()


def _soon(started: dt.datetime, due: dt.datetime) -> dt.datetime:
    return max(started, due - max((due - started) * 0.25, dt.timedelta(hours=2)))  # R4.8


def _ticket(Ticket, row):
    data = row.payload
    values = data["ticket"]
    ticket = Ticket(number=row.number, tracking_code_hash=_hash(row.number, data["tracking_code"]))
    for field in Ticket._meta.concrete_fields:
        if field.attname in values and field.attname not in {"id", "number", "tracking_code_hash"}:
            value = values[field.attname]
            setattr(ticket, field.attname, None if value is None else field.to_python(value))
    return ticket, data.get("acknowledge_at")


def _clocks(ticket):
    from jiesu.workcalendar import clocks as rules  # pure arithmetic over the calendar

    received = ticket.received_at
    due = [("response", rules.response_due(received, urgent=ticket.urgent))]
    if ticket.channel == "mailbox":
        due.append(("mailbox", rules.mailbox_due(received)))
    elif ticket.lead_unit_id is None:
        due.append(("dispatch", rules.dispatch_due(received)))
    return due


def forwards(apps, schema_editor):
    StagedIntake = apps.get_model("tickets", "StagedIntake")
    Ticket = apps.get_model("tickets", "Ticket")
    Clock = apps.get_model("tickets", "Clock")
    Event = apps.get_model("tickets", "Event")
    for row in StagedIntake.objects.order_by("id"):
        if Ticket.objects.filter(number=row.number).exists():
            continue  # recorded already; the row was only left behind
        try:
            ticket, acknowledge_at = _ticket(Ticket, row)
            clocks = _clocks(ticket)
        except (KeyError, TypeError, ValueError) as error:
            raise RuntimeError(f"staged request {row.number} cannot be recorded: {error}") from error
        ticket.status = "dispatched" if ticket.channel in DIRECT else "new"
        nearest = min(clocks, key=lambda kd: kd[1].due)
        ticket.next_due_at, ticket.next_clock = nearest[1].due, nearest[0]
        ticket.next_soon_at = _soon(ticket.received_at, nearest[1].due)
        ticket.save(force_insert=True)
        for kind, deadline in clocks:
            Clock.objects.create(
                ticket=ticket,
                kind=kind,
                round=1,
                started_at=ticket.received_at,
                due_at=deadline.due,
                soon_at=_soon(ticket.received_at, deadline.due),
                provisional=deadline.provisional,
                rule=deadline.rule_text[:200],
            )
        Event.objects.create(
            ticket=ticket,
            at=ticket.received_at,
            actor_id=ticket.recorded_by_id,
            action="create",
            from_status="-",
            to_status=ticket.status,
            public=True,
            after={"channel": ticket.channel, "type": ticket.type, "recorded_from": "staged"},
        )
        if acknowledge_at and ticket.channel in DIRECT:
            at = dt.datetime.fromisoformat(acknowledge_at)
            response = Clock.objects.get(ticket=ticket, kind="response", round=1)
            response.met_at, response.on_time = at, at <= response.due_at
            response.save(update_fields=["met_at", "on_time"])
            from jiesu.workcalendar import clocks as rules
            from jiesu.workcalendar.selectors import get_calendar

            reply = rules.reply_due(
                ticket.received_at, level="direct", calendar=get_calendar()
            )  # R4.2 default
            Clock.objects.create(
                ticket=ticket,
                kind="reply",
                round=1,
                started_at=ticket.received_at,
                due_at=reply.due,
                soon_at=_soon(ticket.received_at, reply.due),
                provisional=reply.provisional,
                rule=reply.rule_text[:200],
            )
            Ticket.objects.filter(pk=ticket.pk).update(
                status="handling", overdue_count=0 if response.on_time else 1
            )
            Event.objects.create(
                ticket=ticket,
                at=at,
                actor_id=ticket.recorded_by_id,
                action="acknowledge",
                from_status=ticket.status,
                to_status="handling",
                public=True,
            )
    StagedIntake.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("tickets", "0005_staged_intake")]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True),
        migrations.DeleteModel(name="StagedIntake"),
    ]
