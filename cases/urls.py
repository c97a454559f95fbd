from django.urls import include, path

app_name = "cases"

# Lists (inbox, case list, bulk actions, new case) and the case page with its panels live in
# separate modules so each stays small.
urlpatterns = [
    path("", include("cases.urls_lists")),
    path("cases/<int:number>/", include("cases.urls_detail")),
    path("deviations/", include("cases.urls_deviations")),
    # Settings → Saved replies: notifications' pages, included here because the composer that
    # uses them is the case page's (notifications cannot name cases' URLs, only be included).
    path("settings/saved-replies/", include("notifications.urls_settings")),
    path("settings/service-levels/", include("cases.urls_service_levels")),
]
