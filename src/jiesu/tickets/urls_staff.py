"""Staff worklists and the ticket page (issue 4 items 4 and 7), mounted at the site root."""

from django.urls import path, re_path

from jiesu.tickets.views import ticket, worklists

app_name = "work"

NUMBER = r"(?P<number>\d{8}-\d{6})"

urlpatterns = [
    path("work/inbox/", worklists.inbox, name="inbox"),
    path("work/inbox/acknowledge/", worklists.bulk_acknowledge, name="bulk_acknowledge"),
    path("work/approvals/", worklists.approvals, name="approvals"),
    path("work/followups/", worklists.followups, name="followups"),
    path("work/dispatch/", worklists.dispatch, name="dispatch"),
    path("work/overdue/", worklists.overdue, name="overdue"),
    path("work/redispatch/", worklists.redispatch, name="redispatch"),
    path("work/redispatch/<int:pk>/", worklists.redispatch_decide, name="redispatch_decide"),
    path("work/instructions/", worklists.instructions, name="instructions"),
    path("work/cohandling/", worklists.cohandling, name="cohandling"),
    path("work/replied/", worklists.office_replied, name="office_replied"),
    path("work/unreachable/", worklists.unreachable, name="unreachable"),
    path("work/report-back/", worklists.report_back, name="report_back"),
    re_path(rf"^tickets/{NUMBER}/$", ticket.ticket_page, name="ticket"),
    re_path(rf"^tickets/{NUMBER}/contact/$", ticket.contact_reveal, name="reveal"),
    re_path(rf"^tickets/{NUMBER}/do/(?P<action>[a-z_]+)/$", ticket.ticket_action, name="act"),
]
