"""Issue 14 item 8: each campus's telephone area code, so the directory's local numbers dial from anywhere."""

from django.db import migrations, models

# Copied, not imported: a migration must not change when org.data changes later.
AREA_CODES = {"beijing": "010", "zhuozhou": "0312"}


def fill_area_codes(apps, schema_editor):
    Campus = apps.get_model("org", "Campus")
    for code, area_code in AREA_CODES.items():
        Campus.objects.filter(code=code, area_code="").update(area_code=area_code)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="campus",
            name="area_code",
            field=models.CharField(blank=True, default="", max_length=8, verbose_name="Telephone area code"),
        ),
        migrations.RunPython(fill_area_codes, migrations.RunPython.noop),
    ]
