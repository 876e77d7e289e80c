from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "jiesu.backup"
    verbose_name = "Backup"
