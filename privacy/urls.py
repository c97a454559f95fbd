"""URLs of the privacy app (filled in by its issue)."""

urlpatterns: list = []
