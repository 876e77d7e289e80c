"""PostgreSQL: every change to what a bearer token's lookup reads (tokens, people, memberships, units) notifies
channel ``jiesu_auth`` at commit, so each process drops its cached tokens (``api.tokencache``). A statement-level
trigger catches every write — the services, the admin, bulk updates, raw SQL. SQLite caches nothing."""

from django.db import migrations

TABLES = (("api", "ApiToken"), ("org", "User"), ("org", "Membership"), ("org", "Unit"))

FUNCTION = """
CREATE OR REPLACE FUNCTION jiesu_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('jiesu_auth', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
"""


def _tables(apps):
    return [apps.get_model(app, model)._meta.db_table for app, model in TABLES]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in _tables(apps):
        name = schema_editor.quote_name(table)
        schema_editor.execute(
            f"CREATE TRIGGER jiesu_auth_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {name} "
            "FOR EACH STATEMENT EXECUTE FUNCTION jiesu_auth_changed()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in _tables(apps):
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS jiesu_auth_changed ON {schema_editor.quote_name(table)}"
        )
    schema_editor.execute("DROP FUNCTION IF EXISTS jiesu_auth_changed()")


class Migration(migrations.Migration):
    dependencies = [("api", "0002_initial"), ("org", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
