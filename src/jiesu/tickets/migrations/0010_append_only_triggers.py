"""R10.4 / R4.9: the database itself refuses UPDATE and DELETE on the ticket history (``tickets_event``) and on
recorded breaches (``tickets_breach``), whoever sends them (the ORM, the admin, a shell, raw SQL).

PostgreSQL: a row-level BEFORE UPDATE OR DELETE trigger raising SQLSTATE 23000 (an IntegrityError for Django).
SQLite: BEFORE UPDATE / BEFORE DELETE triggers with ``RAISE(ABORT, …)`` (also an IntegrityError). Inserts are
untouched. TRUNCATE (a database owner's maintenance, e.g. the test runner's flush on PostgreSQL) is not a row
change and is not blocked; the SQLite test runner's flush lifts the triggers for its own statement only
(tests/conftest.py).
"""

from django.db import migrations

TABLES = ("tickets_event", "tickets_breach")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION jiesu_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""


def _install(apps, schema_editor):  # noqa: ANN001, ANN201 - Django's migration signature
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_FUNCTION, params=None)  # no placeholders: % is plpgsql
        for table in TABLES:
            schema_editor.execute(
                f"CREATE TRIGGER append_only_{table} BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION jiesu_append_only()"
            )
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("UPDATE", "DELETE"):
                schema_editor.execute(
                    f"CREATE TRIGGER append_only_{table}_{op.lower()} BEFORE {op} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {op} refused'); END"
                )


def _remove(apps, schema_editor):  # noqa: ANN001, ANN201 - Django's migration signature
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only_{table} ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS jiesu_append_only()")
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only_{table}_{op}")


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0009_rating_link"),
    ]

    operations = [migrations.RunPython(_install, _remove)]
