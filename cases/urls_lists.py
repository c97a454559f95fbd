from django.urls import path

from cases import views

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("cases/", views.case_list, name="case_list"),
    path("work/", views.supplier_work, name="supplier_work"),
]
