"""URLs of the portal app (filled in by its issue)."""

urlpatterns: list = []
