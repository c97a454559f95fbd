from django.urls import path

from cases import views

urlpatterns = [
    path("", views.case_detail, name="case_detail"),
]
