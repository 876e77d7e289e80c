"""R8.3 / R8.4: the database itself refuses UPDATE and DELETE on issued weekly reports, daily reports, missing
flags and the reporting log, whoever sends them — the same triggers as tickets 0010 (PostgreSQL: the shared
``jiesu_append_only()`` function; SQLite: ``RAISE(ABORT, …)``). A correction is a new issued report."""

from django.db import migrations

TABLES = ("reporting_issuedreport", "reporting_zeroreport", "reporting_missingflag", "reporting_reportlog")

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
        # the function stays: tickets 0010 owns it
    elif vendor == "sqlite":
        for table in TABLES:
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS append_only_{table}_{op}")


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("tickets", "0010_append_only_triggers"),
    ]

    operations = [migrations.RunPython(_install, _remove)]
