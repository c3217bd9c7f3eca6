from django.urls import path

from .views import feeds

app_name = "feeds"

urlpatterns = [
    path("", feeds.manage, name="manage"),
    path("<slug:token>.ics", feeds.calendar, name="calendar"),
]
