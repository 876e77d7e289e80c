from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "jiesu.worker"
    verbose_name = "Worker"

    def ready(self) -> None:
        """The queue's owner hooks itself onto the notify app's after-commit point: every commit that wrote
        outbox rows asks a worker for a delivery (the domain apps never import the queue)."""
        from jiesu.insight.services import on_training_requested  # noqa: PLC0415
        from jiesu.notify.services import on_outbox_committed  # noqa: PLC0415 - apps load before their models
        from jiesu.worker.queue import enqueue_delivery, enqueue_training  # noqa: PLC0415

        on_outbox_committed(enqueue_delivery)
        on_training_requested(enqueue_training)  # R9.5: the insight page's "retrain now"

        from jiesu.insight.contingency import on_compute_requested  # noqa: PLC0415
        from jiesu.worker.queue import enqueue_seasonal  # noqa: PLC0415

        on_compute_requested(enqueue_seasonal)  # R9.4: the seasonal page's "recompute now"

        # R2.6 / issue 15 item 5: a confirmed referral sheet is imported on a worker (the referrals app never imports it).
        from jiesu.referrals.services import on_import_requested  # noqa: PLC0415
        from jiesu.worker.queue import enqueue_referral_import  # noqa: PLC0415

        on_import_requested(enqueue_referral_import)

        # R8.2: the people a supervision order concerns hear of each step (supervision never imports notify).
        from jiesu.supervision.services.orders import subscribe_in_transaction  # noqa: PLC0415
        from jiesu.worker.sweep import notify_order_change  # noqa: PLC0415

        subscribe_in_transaction(notify_order_change)
