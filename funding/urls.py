from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("organisation/<int:pk>/", views.organisation, name="organisation"),
    path("overenskommelse/<int:pk>/rader/", views.lines, name="lines"),
    path("overenskommelse/<int:pk>/betalningar/", views.payments, name="payments"),
    path(
        "overenskommelse/<int:pk>/belopp-utanfor-perioden/",
        views.outside_shares,
        name="outside_shares",
    ),
    path("betalningar/<int:pk>/", views.payment, name="payment"),
    path("rader/<int:pk>/betalningsplan/", views.plan, name="plan"),
    path("index/", views.index_values, name="index_values"),
    path("index/<int:pk>/", views.index_series, name="index_series"),
    path("index/varden/<int:pk>/", views.index_value, name="index_value"),
    path(
        "index/varden/<int:pk>/dra-tillbaka/",
        views.index_value_withdraw,
        name="index_value_withdraw",
    ),
    path("export/<slug:dataset>.<slug:fmt>", views.export, name="export"),
    path("oppna-data/aktiva-overenskommelser.json", views.public_json, name="public_json"),
    path("oppna-data/aktiva-overenskommelser.csv", views.public_csv, name="public_csv"),
]
