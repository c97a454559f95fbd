"""The residents' portal under /portal/<org-slug>/."""

app_name = "portal"

urlpatterns: list = []
