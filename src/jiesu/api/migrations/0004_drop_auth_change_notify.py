"""Remove the PostgreSQL triggers of 0003: bearer tokens are looked up with one ORM query per call again, and no
process keeps a copy that would need to be told of changes."""

from django.db import migrations

TABLES = (("api", "ApiToken"), ("org", "User"), ("org", "Membership"), ("org", "Unit"))


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model in TABLES:
        table = schema_editor.quote_name(apps.get_model(app, model)._meta.db_table)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS jiesu_auth_changed ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS jiesu_auth_changed()")


class Migration(migrations.Migration):
    dependencies = [("api", "0003_auth_change_notify")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=True)]
