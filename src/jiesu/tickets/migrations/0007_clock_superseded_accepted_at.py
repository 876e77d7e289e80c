"""R4.0 受理 on tickets and R4.9 superseded clocks.

Schema: ``Ticket.accepted_at``; ``Clock.superseded_at`` and ``carries_miss``; one live clock per ticket, kind and
round (a partial unique constraint: superseded clocks stay beside their replacement); the open-clock indexes
leave superseded clocks out; clocks and breaches are protected from deletion.

Data: existing tickets get 受理 from their first dispatch in the history (Office channels) or their receipt
(direct channels); tickets still awaiting dispatch have none yet. A ticket awaiting dispatch carried a response
clock counted from its receipt, which R4.0 gives to no unit: unmet and not breached, it ends superseded (the
dispatch starts the unit's); a breach already recorded stays (R4.9).
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Min, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

DIRECT_CHANNELS = ("hotline", "walk_in")


def fill_accepted_at(apps, schema_editor):  # noqa: ANN001, ANN201 - Django's migration signature
    Ticket = apps.get_model("tickets", "Ticket")
    Event = apps.get_model("tickets", "Event")
    Clock = apps.get_model("tickets", "Clock")
    Ticket.objects.filter(channel__in=DIRECT_CHANNELS, accepted_at__isnull=True).update(
        accepted_at=F("received_at")
    )
    first_dispatch = (
        Event.objects.filter(ticket_id=OuterRef("pk"), action="dispatch")
        .order_by()
        .values("ticket_id")
        .annotate(first=Min("at"))
        .values("first")
    )
    Ticket.objects.filter(accepted_at__isnull=True).exclude(channel__in=DIRECT_CHANNELS).update(
        accepted_at=Subquery(first_dispatch[:1])
    )
    now = timezone.now()
    waiting = Ticket.objects.filter(status="new", accepted_at__isnull=True).exclude(
        channel__in=DIRECT_CHANNELS
    )
    retired = Clock.objects.filter(
        ticket__in=waiting,
        kind="response",
        met_at__isnull=True,
        breached_at__isnull=True,
        superseded_at__isnull=True,
    ).update(superseded_at=now)
    if retired:
        nearest = Clock.objects.filter(
            ticket_id=OuterRef("pk"), met_at__isnull=True, superseded_at__isnull=True
        ).order_by("due_at", "id")
        waiting.update(
            next_due_at=Subquery(nearest.values("due_at")[:1]),
            next_soon_at=Subquery(nearest.values("soon_at")[:1]),
            next_clock=Coalesce(Subquery(nearest.values("kind")[:1]), Value("")),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0006_record_staged_intake"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="clock",
            name="clock_unique_per_round",
        ),
        migrations.RemoveIndex(
            model_name="clock",
            name="clock_open_due",
        ),
        migrations.RemoveIndex(
            model_name="clock",
            name="clock_breach_pending",
        ),
        migrations.RemoveIndex(
            model_name="clock",
            name="clock_soon_pending",
        ),
        migrations.AddField(
            model_name="clock",
            name="carries_miss",
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name="clock",
            name="superseded_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="ticket",
            name="accepted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Accepted at"),
        ),
        migrations.AlterField(
            model_name="breach",
            name="clock",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="breach",
                to="tickets.clock",
            ),
        ),
        migrations.AlterField(
            model_name="breach",
            name="cohandling",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="breach",
                to="tickets.cohandlingrequest",
            ),
        ),
        migrations.AlterField(
            model_name="breach",
            name="ticket",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="breaches", to="tickets.ticket"
            ),
        ),
        migrations.AlterField(
            model_name="clock",
            name="ticket",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="clocks", to="tickets.ticket"
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(("met_at__isnull", True), ("superseded_at__isnull", True)),
                fields=["due_at"],
                name="clock_open_due",
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(
                    ("breached_at__isnull", True), ("met_at__isnull", True), ("superseded_at__isnull", True)
                ),
                fields=["due_at"],
                name="clock_breach_pending",
            ),
        ),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(
                    ("met_at__isnull", True),
                    ("soon_notified_at__isnull", True),
                    ("superseded_at__isnull", True),
                ),
                fields=["soon_at"],
                name="clock_soon_pending",
            ),
        ),
        migrations.AddConstraint(
            model_name="clock",
            constraint=models.UniqueConstraint(
                condition=models.Q(("superseded_at__isnull", True)),
                fields=("ticket", "kind", "round"),
                name="clock_live_per_round",
            ),
        ),
        migrations.RunPython(fill_accepted_at, migrations.RunPython.noop),
    ]
