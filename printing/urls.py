"""URLs of the printing app (filled in by its issue)."""

urlpatterns: list = []
