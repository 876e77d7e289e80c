"""Writing the bulk loader's rows: COPY on PostgreSQL (psycopg 3), ``bulk_create`` elsewhere; ids and counters."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import DatabaseError, models, transaction
from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from jiesu.demo.bulk_story import Built, Row
from jiesu.tickets.models import Clock, Event, Followup, FollowupAttempt, Reply, Ticket, TicketSequence

_UNSET = object()


def _fields(model: type[models.Model], *, with_id: bool) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if with_id or not f.primary_key]


class Writer:
    """One database's way of taking many rows fast."""

    def __init__(self, connection: BaseDatabaseWrapper = default_connection) -> None:
        self.connection = connection
        self.postgres = connection.vendor == "postgresql"

    # --- ids ------------------------------------------------------------------------------------------

    def _sequence(self, model: type[models.Model]) -> str:
        return f"pg_get_serial_sequence('{model._meta.db_table}', 'id')"

    def reserve(self, model: type[models.Model]) -> int:
        """The first id this load may use for ``model``; ``finish`` moves the sequence past the last one."""
        with self.connection.cursor() as cursor:
            if self.postgres:
                cursor.execute(f"SELECT nextval({self._sequence(model)})")  # noqa: S608 - model names only
            else:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")  # noqa: S608
            return int(cursor.fetchone()[0])

    def finish(self, model: type[models.Model], last_id: int) -> None:
        if not self.postgres:
            return  # SQLite's AUTOINCREMENT follows explicit ids by itself
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval({self._sequence(model)}, GREATEST(%s, "  # noqa: S608
                f"(SELECT COALESCE(MAX(id), 1) FROM {model._meta.db_table})))",
                [last_id],
            )

    def day_counters(self, first: dt.date, last: dt.date) -> dict[dt.date, int]:
        """Numbers already given on each day (the per-day counter behind YYYYMMDD-NNNNNN)."""
        return dict(TicketSequence.objects.filter(day__gte=first, day__lte=last).values_list("day", "last"))

    # --- rows -----------------------------------------------------------------------------------------

    def write_built(self, built: list[Built]) -> None:
        """Tickets first, then the rows pointing at them."""
        replies: list[Row] = []
        clocks: list[Row] = []
        events: list[Row] = []
        followups: list[Row] = []
        attempts: list[Row] = []
        for item in built:
            ticket_id = item.ticket["id"]
            for rows, target in (
                (item.replies, replies),
                (item.clocks, clocks),
                (item.events, events),
                (item.followups, followups),
                (item.attempts, attempts),
            ):
                for row in rows:
                    row["ticket_id"] = ticket_id
                    target.append(row)
        self.write(Ticket, [item.ticket for item in built], with_id=True)
        self.write(Reply, replies, with_id=True)
        self.write(Clock, clocks, with_id=False)
        self.write(Event, events, with_id=False)
        self.write(Followup, followups, with_id=False)
        self.write(FollowupAttempt, attempts, with_id=False)

    def write(self, model: type[models.Model], rows: list[Row], *, with_id: bool) -> None:
        if not rows:
            return
        fields = _fields(model, with_id=with_id)
        if self.postgres:
            self._copy(model, fields, rows)
        else:
            model._default_manager.bulk_create(
                [model(**{f.attname: _value(row, f, json_text=False) for f in fields}) for row in rows],
                batch_size=500,
            )

    def _copy(
        self, model: type[models.Model], fields: list[models.Field[Any, Any]], rows: Iterable[Row]
    ) -> None:
        columns = ", ".join(self.connection.ops.quote_name(str(f.column)) for f in fields)
        sql = f"COPY {self.connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        plain = [(f.attname, f.get_default()) for f in fields if not isinstance(f, models.JSONField)]
        if len(plain) == len(fields):

            def values(row: Row) -> list[Any]:
                return [row.get(name, default) for name, default in plain]
        else:

            def values(row: Row) -> list[Any]:
                return [_value(row, f, json_text=True) for f in fields]

        with self.connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
            with raw.copy(sql) as copy:
                write = copy.write_row
                for row in rows:
                    write(values(row))

    def skip_row_triggers(self) -> None:
        """Inside the load's transaction, skip per-row foreign-key checks (the rows are built consistent).

        Needs a PostgreSQL superuser (``session_replication_role``); without the right, the checks run.
        """
        if not self.postgres:
            return
        try:
            with transaction.atomic(), self.connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return

    def analyze(self) -> None:
        """Fresh planner statistics after a large load (PostgreSQL)."""
        if self.postgres:
            with self.connection.cursor() as cursor:
                tables = (Ticket, Clock, Event, Reply, Followup, FollowupAttempt)
                cursor.execute("ANALYZE " + ", ".join(m._meta.db_table for m in tables))


def _value(row: Row, field: models.Field[Any, Any], *, json_text: bool) -> Any:
    value = row.get(field.attname, _UNSET)
    if value is _UNSET:
        value = field.get_default()
    if json_text and isinstance(field, models.JSONField):
        return json.dumps(value, ensure_ascii=False) if value else "{}"
    return value


def update_sequences(counters: Mapping[dt.date, int]) -> None:
    """Move each day's number counter past the numbers the load used (one upsert per day, never backwards)."""
    table = TicketSequence._meta.db_table
    sql = (
        f"INSERT INTO {table} (day, last) VALUES (%s, %s) ON CONFLICT (day) DO UPDATE SET last = "  # noqa: S608
        f"CASE WHEN excluded.last > {table}.last THEN excluded.last ELSE {table}.last END"
    )
    with default_connection.cursor() as cursor:
        cursor.executemany(sql, [(day, last) for day, last in counters.items()])
