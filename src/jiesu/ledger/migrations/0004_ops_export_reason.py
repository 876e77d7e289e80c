from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0003_words_saved_filters"),
    ]

    operations = [
        migrations.AddField(
            model_name="ledgerexport",
            name="reason",
            field=models.TextField(blank=True, verbose_name="Reason"),
        ),
        migrations.AddField(
            model_name="ledgerexport",
            name="full_count",
            field=models.PositiveIntegerField(default=0, verbose_name="Rows with full contacts"),
        ),
    ]
