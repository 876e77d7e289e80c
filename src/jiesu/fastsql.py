"""Hand-built SQL for the few statements every API call runs (token, roles, intake's inserts).

Django's ORM compiles each query anew: for a one-row lookup the compiling costs twenty to thirty times the
query itself on SQLite (0.6 ms against 0.02 ms, see docs/performance.md "API intake"). The statements here are
built once per model from its metadata — table, columns, each field's own conversion to and from the
database — so a renamed column or a new field needs no edit here, and rows come back as ordinary model
instances (``Model.from_db``). Only what the ORM would do is done: ``pre_save`` (``auto_now_add``),
``get_db_prep_save`` (JSON, dates) and ``from_db_value`` converters; no signals are sent, as with
``bulk_create``.

Use it only on paths measured to need it; everything else stays with the ORM.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models.fields import AutoFieldMixin

M = TypeVar("M", bound=models.Model)


def quote(name: str | None) -> str:
    if not name:
        raise ValueError("a column or table name is required")
    return connection.ops.quote_name(name)


@cache
def _concrete(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(model._meta.concrete_fields)


def select_list(model: type[models.Model], alias: str) -> str:
    """``alias."col", …`` for every concrete field, in ``_meta.concrete_fields`` order (what ``load`` reads)."""
    return ", ".join(f"{alias}.{quote(f.column)}" for f in _concrete(model))


def width(model: type[models.Model]) -> int:
    return len(_concrete(model))


def load(model: type[M], values: Sequence[Any]) -> M:
    """A model instance from the columns ``select_list`` named, converted as the ORM converts them."""
    db = connections[DEFAULT_DB_ALIAS]
    names, converters = _loading(model, db.vendor)
    converted = list(values)
    for i, f, convert in converters:
        for converter in convert:
            converted[i] = converter(converted[i], f, db)
    return model.from_db(db.alias, names, converted)


@cache
def _loading(model: type[models.Model], vendor: str) -> tuple[list[str], list[tuple[int, Any, list[Any]]]]:
    """Attribute names, and the converters of each column that has any."""
    fields = _concrete(model)
    converters = [(i, f, found) for i, f in enumerate(fields) if (found := _converters(model, f))]
    return [f.attname for f in fields], converters


def _converters(model: type[models.Model], f: Any) -> list[Any]:
    """The backend's converters (e.g. SQLite's booleans and aware datetimes), then the field's own."""
    return [
        *connection.ops.get_db_converters(f.get_col(model._meta.db_table)),
        *f.get_db_converters(connection),
    ]


# Fields whose value of exactly this Python type is stored as it is (what their conversion chain returns).
_PLAIN_FIELDS: dict[str, type] = {
    "CharField": str,
    "TextField": str,
    "SlugField": str,
    "BooleanField": bool,
    "IntegerField": int,
    "BigIntegerField": int,
    "SmallIntegerField": int,
    "PositiveIntegerField": int,
    "PositiveSmallIntegerField": int,
    "PositiveBigIntegerField": int,
    "AutoField": int,
}


def plain_type(f: Any) -> type | None:
    """The Python type (str, int or bool) whose values field ``f`` stores unchanged — a foreign key's when its
    target's (an auto key included) — or None."""
    stored = getattr(f, "target_field", f) if f.is_relation else f
    return _PLAIN_FIELDS.get(
        "AutoField" if isinstance(stored, AutoFieldMixin) else stored.get_internal_type()
    )


@cache
def _inserted(model: type[models.Model]) -> tuple[tuple[models.Field[Any, Any], str, bool, type | None], ...]:
    """The columns an insert writes (all but an auto key), each as (field, the attribute holding its value,
    whether its ``pre_save`` does more than read that attribute — ``auto_now``, files —, ``plain_type``)."""
    found = []
    for f in _concrete(model):
        if isinstance(f, AutoFieldMixin):
            continue
        stamps = type(f).pre_save is not models.Field.pre_save
        if isinstance(f, models.DateField) and not (f.auto_now or f.auto_now_add):
            stamps = False  # DateField.pre_save only stamps auto_now / auto_now_add fields
        found.append((f, f.attname, stamps, plain_type(f)))
    return tuple(found)


@cache
def _relations(model: type[models.Model]) -> tuple[models.Field[Any, Any], ...]:
    return tuple(f for f, *_rest in _inserted(model) if f.is_relation)


def _takes_related_keys(obj: models.Model) -> None:
    """``Model._prepare_related_fields_for_save`` (a related object assigned before it was saved — a
    notification before its outbox row — gives its key now; an unsaved one is refused), called only when the
    object holds a related object at all: most rows name their relations by key."""
    if any(f.is_cached(obj) for f in _relations(type(obj))):  # type: ignore[attr-defined]
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]


@cache
def reader(model: type[models.Model], name: str) -> Any:
    """A function turning one column's raw value into what the ORM would give for field ``name``."""
    f = model._meta.get_field(name)
    convert = _converters(model, f)

    def read(value: Any) -> Any:
        for converter in convert:
            value = converter(value, f, connection)
        return value

    return read


@lru_cache(maxsize=256)
def _insert_sql(model: type[models.Model], rows: int, vendor: str) -> str:
    fields = _inserted(model)
    columns = ", ".join(quote(f.column) for f, *_rest in fields)
    pk = quote(model._meta.pk.column)  # type: ignore[union-attr]  # every model has a primary key
    head = f"INSERT INTO {quote(model._meta.db_table)} ({columns})"
    if rows > 1 and _unnest(model, vendor):
        # PostgreSQL: one array per column (what bulk_create does since Django 5.2). The statement's text is the
        # same for any number of rows, so psycopg parses it once and the server prepares it once; a VALUES list
        # of a few thousand placeholders cost more to parse, on both sides, than inserting the rows.
        arrays = ", ".join(f"%b::{f.db_type(connection).split('(')[0]}[]" for f, *_rest in fields)  # type: ignore[union-attr]
        return f"{head} SELECT * FROM UNNEST({arrays}) RETURNING {pk}"  # noqa: S608
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([one] * rows)
    return f"{head} VALUES {values} RETURNING {pk}"  # noqa: S608


@cache
def _unnest(model: type[models.Model], vendor: str) -> bool:
    """Whether the rows of ``model`` can be sent as arrays: PostgreSQL, and only fields of Django's own column
    types with a plain placeholder (Django's UNNEST conditions: no ``get_placeholder``, no array columns)."""
    if vendor != "postgresql":
        return False
    return all(
        not hasattr(f, "get_placeholder")
        and (getattr(f, "target_field", f) if f.is_relation else f).get_internal_type()
        in connection.data_types
        for f, *_rest in _inserted(model)
    )


def insert(objs: Iterable[M]) -> list[M]:
    """Insert new instances of one model, in as few statements as the backend's parameter limit allows, and
    set their primary keys (what ``bulk_create`` does, RETURNING on PostgreSQL and SQLite ≥ 3.35)."""
    objs = list(objs)
    if not objs:
        return objs
    model = type(objs[0])
    db = connections[DEFAULT_DB_ALIAS]
    # As bulk_create: at most MAX_ROWS a statement, fewer where the backend limits parameters (Django's SQLite).
    fields = [f for f, *_rest in _inserted(model)]
    per_statement = max(1, min(MAX_ROWS, db.ops.bulk_batch_size(fields, objs)))
    for start in range(0, len(objs), per_statement):
        _insert_chunk(model, objs[start : start + per_statement])
    return objs


MAX_ROWS = 500


def _insert_chunk(model: type[M], objs: list[M]) -> None:
    db = connections[DEFAULT_DB_ALIAS]  # the thread's connection, looked up once rather than per value
    sql = _insert_sql(model, len(objs), db.vendor)
    params: list[Any] = []
    fields = _inserted(model)
    for obj in objs:
        _takes_related_keys(obj)
        values = obj.__dict__
        for f, attname, stamps, simple in fields:
            if stamps:
                value = f.pre_save(obj, add=True)
            else:
                value = values[attname] if attname in values else getattr(obj, attname)
            # None is NULL for every field (JSONField included, since Django 4.2), and a text, integer or
            # boolean field's own value of exactly its type is what its conversion chain would return (anything
            # else, True in an integer column say, is converted: one type per column, as UNNEST's arrays need).
            if value is None or type(value) is simple:
                params.append(value)
            else:
                params.append(f.get_db_prep_save(value, db))
    if len(objs) > 1 and _unnest(model, db.vendor):
        width = len(fields)
        params = [params[i::width] for i in range(width)]  # row by row → one list per column
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        keys = [row[0] for row in cursor.fetchall()]
    pk = model._meta.pk.attname  # type: ignore[union-attr]
    for obj, key in zip(objs, keys, strict=True):
        setattr(obj, pk, key)
        obj._state.adding = False
        obj._state.db = db.alias


def update(model: type[models.Model], where: dict[str, Any], changes: dict[str, Any]) -> int:
    """``Model.objects.filter(**where).update(**changes)`` for plain equality filters and values, without
    compiling a query each call; returns the rows changed."""
    db = connections[DEFAULT_DB_ALIAS]
    meta = model._meta
    sets, params = [], []
    for name, value in changes.items():
        f = meta.get_field(name)
        sets.append(f"{quote(f.column)} = %s")  # type: ignore[union-attr]
        params.append(None if value is None else f.get_db_prep_save(value, db))  # type: ignore[union-attr]
    conditions = []
    for name, value in where.items():
        f = meta.get_field(name)
        conditions.append(f"{quote(f.column)} = %s")  # type: ignore[union-attr]
        params.append(f.get_db_prep_value(value, db))  # type: ignore[union-attr]
    sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(sets)} WHERE {' AND '.join(conditions)}"  # noqa: S608
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)
