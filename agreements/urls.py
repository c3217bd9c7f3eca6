from django.urls import path

from .views import (
    agreements,
    dashboard,
    decisions,
    dossier,
    due,
    followup,
    history,
    letterhead,
    members,
    parties,
    parts,
    tasks,
)

app_name = "agreements"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("att-gora/<slug:group>/", dashboard.todo_group, name="todo"),
    # Agreements
    path("overenskommelser/", agreements.agreement_list, name="list"),
    path("overenskommelser/ny/", agreements.agreement_create, name="create"),
    path("overenskommelser/<int:pk>/", agreements.agreement_detail, name="detail"),
    path("overenskommelser/<int:pk>/andra/", agreements.agreement_edit, name="edit"),
    path("overenskommelser/<int:pk>/historik/", history.agreement_history, name="history"),
    path("overenskommelser/<int:pk>/akt.zip", dossier.agreement_dossier, name="dossier"),
    path(
        "overenskommelser/<int:pk>/ataganden/",
        agreements.agreement_obligations,
        name="obligations",
    ),
    path("overenskommelser/<int:pk>/uppgifter/", tasks.agreement_tasks, name="tasks"),
    path("overenskommelser/<int:pk>/text/", parts.agreement_sections, name="sections"),
    path(
        "overenskommelser/<int:pk>/undertecknare/",
        parts.agreement_signatories,
        name="signatories",
    ),
    path(
        "overenskommelser/<int:pk>/resursbidrag/",
        parts.agreement_contributions,
        name="contributions",
    ),
    path(
        "overenskommelser/<int:pk>/status/<slug:move>/",
        agreements.agreement_move,
        name="move",
    ),
    path(
        "overenskommelser/<int:pk>/sag-upp/",
        agreements.agreement_terminate,
        name="terminate",
    ),
    path("overenskommelser/<int:pk>/avsluta/", agreements.agreement_end, name="end"),
    path(
        "overenskommelser/<int:pk>/fortsattning/",
        agreements.agreement_successor,
        name="successor",
    ),
    path(
        "overenskommelser/<int:pk>/beslutsforslag/",
        decisions.proposal_create,
        name="proposal_create",
    ),
    path("overenskommelser/<int:pk>/forvantat/", due.due_items, name="due_items"),
    path("overenskommelser/<int:pk>/moten/nytt/", followup.meeting_create, name="meeting_create"),
    # Decisions
    path("beslut/", decisions.decision_list, name="decisions"),
    path("beslut/<int:pk>/", decisions.decision_detail, name="decision"),
    path("beslut/<int:pk>/andra/", decisions.proposal_edit, name="proposal_edit"),
    path("beslut/<int:pk>/registrera/", decisions.decision_record, name="decision_record"),
    path("beslut/<int:pk>/rattelse/", decisions.decision_correct, name="decision_correct"),
    # Reports and attachments
    path("rapporter/", followup.report_list, name="reports"),
    path("rapporter/ny/", followup.report_create, name="report_create"),
    path("rapporter/<int:pk>/", followup.report_detail, name="report"),
    path("rapporter/<int:pk>/granska/", followup.report_review, name="report_review"),
    path("rapporter/<int:pk>/lamna-in/", followup.report_submit, name="report_submit"),
    path("bilagor/<int:pk>/", followup.attachment_download, name="attachment"),
    path("bilagor/<int:pk>/ta-bort/", followup.attachment_delete, name="attachment_delete"),
    # Meetings
    path("moten/<int:pk>/", followup.meeting_edit, name="meeting"),
    # Organisations
    path("organisationer/", parties.party_list, name="parties"),
    path("organisationer/ny/", parties.party_create, name="party_create"),
    path("organisationer/<int:pk>/", parties.party_detail, name="party"),
    path("organisationer/<int:pk>/andra/", parties.party_edit, name="party_edit"),
    path("organisationer/<int:pk>/rattelse/", parties.party_correct, name="party_correct"),
    path(
        "organisationer/<int:pk>/brevhuvud/",
        letterhead.party_letterhead,
        name="party_letterhead",
    ),
    path("rattelser/<int:pk>/", parties.correction_detail, name="correction"),
    # An organisation's members
    path("medlemmar/", members.my_members, name="my_members"),
    path("organisationer/<int:pk>/medlemmar/", members.member_list, name="members"),
    path(
        "organisationer/<int:pk>/medlemmar/historik/",
        members.member_history,
        name="member_history",
    ),
    path("organisationer/<int:pk>/medlemmar/bjud-in/", members.member_invite, name="member_invite"),
    path("medlemskap/<int:pk>/roll/", members.member_role, name="member_role"),
    path("medlemskap/<int:pk>/ta-bort/", members.member_remove, name="member_remove"),
    path("inbjudningar/<int:pk>/aterkalla/", members.invitation_revoke, name="invitation_revoke"),
    path("inbjudan/<str:token>/", members.invitation_accept, name="invitation"),
]
