from django.urls import path

from inquiries.email.webhook import inbound_webhook

urlpatterns = [
    path("<slug:esp>/", inbound_webhook, name="inbound_email_webhook"),
]
