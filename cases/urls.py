from django.urls import include, path

app_name = "cases"

# Lists (inbox, case list, bulk actions, new case) and the case page with its panels live in
# separate modules so each stays small.
urlpatterns = [
    path("", include("cases.urls_lists")),
    path("cases/<int:number>/", include("cases.urls_detail")),
]
