from django.urls import path

from . import views

app_name = "congress"

urlpatterns = [
    path("", views.index, name="index"),
]
