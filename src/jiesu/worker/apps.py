from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "jiesu.worker"
    verbose_name = "Worker"
