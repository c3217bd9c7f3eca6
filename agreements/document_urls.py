from django.urls import path

from agreements.views import documents as views

app_name = "documents"

urlpatterns = [
    path("overenskommelse/<int:pk>/", views.agreement_preview, name="agreement_preview"),
    path("overenskommelse/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("overenskommelse/<int:pk>/versioner/", views.versions, name="versions"),
    path("beslut/<int:pk>/", views.proposal_preview, name="proposal_preview"),
    path("beslut/<int:pk>/pdf/", views.proposal_pdf, name="proposal_pdf"),
    path("utfarda/<slug:kind>/<int:pk>/", views.issue, name="issue"),
    path("version/<int:pk>/", views.download, name="download"),
]
