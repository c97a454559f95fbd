from django.urls import path

from properties import views

app_name = "properties"

urlpatterns = [
    path("", views.property_list, name="property_list"),
]
