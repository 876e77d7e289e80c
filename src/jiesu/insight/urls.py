from django.urls import path

from jiesu.insight import views, views_frequency, views_hot, views_seasonal, views_study

app_name = "insight"

urlpatterns = [
    path("", views.index, name="index"),
    path("retrain/", views.retrain, name="retrain"),
    path("hot/", views_hot.hot_topics, name="hot_topics"),
    path("hot/refresh/", views_hot.hot_topics_refresh, name="hot_topics_refresh"),
    path("hot/<int:pk>/", views_hot.hot_topic, name="hot_topic"),
    path("task-forces/", views_hot.task_force_list, name="task_forces"),
    path("task-forces/open/", views_hot.task_force_open, name="task_force_open"),
    path("task-forces/<int:pk>/", views_hot.task_force, name="task_force"),
    path("task-forces/<int:pk>/link/", views_hot.task_force_link, name="task_force_link"),
    path("task-forces/<int:pk>/note/", views_hot.task_force_note, name="task_force_note"),
    path("task-forces/<int:pk>/close/", views_hot.task_force_close, name="task_force_close"),
    # R9.3: long-running requests and their special studies
    path("long-running/", views_study.studies, name="studies"),
    path("long-running/take/<str:number>/", views_study.study_take, name="study_take"),
    path("long-running/<int:pk>/", views_study.study, name="study"),
    path("long-running/<int:pk>/review/", views_study.study_review, name="study_review"),
    path("long-running/<int:pk>/conclude/", views_study.study_conclude, name="study_conclude"),
    # R9.2: high-frequency issues per unit and semester, and their root-cause measures
    path("high-frequency/", views_frequency.high_frequency, name="high_frequency"),
    path("high-frequency/refresh/", views_frequency.high_frequency_refresh, name="high_frequency_refresh"),
    path("high-frequency/export/", views_frequency.high_frequency_export, name="high_frequency_export"),
    path("high-frequency/<int:pk>/", views_frequency.high_frequency_topic, name="high_frequency_topic"),
    path("high-frequency/<int:pk>/measure/", views_frequency.root_cause_record, name="root_cause_record"),
    path(
        "high-frequency/measures/<int:pk>/progress/",
        views_frequency.root_cause_progress,
        name="root_cause_progress",
    ),
    path(
        "high-frequency/measures/<int:pk>/evaluate/",
        views_frequency.root_cause_evaluate,
        name="root_cause_evaluate",
    ),
    # R9.4: seasonal peaks and contingency plans
    path("seasonal/", views_seasonal.seasonal_index, name="seasonal"),
    path("seasonal/recompute/", views_seasonal.seasonal_recompute, name="seasonal_recompute"),
    path("seasonal/plans/new/", views_seasonal.seasonal_plan_new, name="seasonal_plan_new"),
    path("seasonal/plans/<int:pk>/", views_seasonal.seasonal_plan, name="seasonal_plan"),
    path("seasonal/plans/<int:pk>/revise/", views_seasonal.seasonal_plan_revise, name="seasonal_plan_revise"),
    path("seasonal/plans/<int:pk>/state/", views_seasonal.seasonal_plan_move, name="seasonal_plan_move"),
]
