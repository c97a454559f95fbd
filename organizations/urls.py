from django.urls import path

from organizations.views import api_keys, events, events_export, invitations, preferences
from organizations.views import calendar as calendar_views
from organizations.views import settings as views

app_name = "organizations"

urlpatterns = [
    path("settings/", views.settings_home, name="settings"),
    path("settings/organization/", views.organization_edit, name="organization_edit"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("settings/members/<int:membership_id>/active/", views.member_active, name="member_active"),
    path("settings/business-hours/", calendar_views.business_hours, name="business_hours"),
    path(
        "settings/business-hours/closed-days/",
        calendar_views.closed_day_new,
        name="closed_day_new",
    ),
    path(
        "settings/business-hours/closed-days/<int:closed_day_id>/delete/",
        calendar_views.closed_day_remove,
        name="closed_day_delete",
    ),
    path("settings/teams/", views.teams, name="teams"),
    path("settings/teams/new/", views.team_edit, name="team_new"),
    path("settings/teams/<int:team_id>/", views.team_edit, name="team_edit"),
    path("settings/teams/<int:team_id>/delete/", views.team_delete, name="team_delete"),
    path(
        "settings/members/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("invitation/", invitations.invitation, name="invitation"),
    path("invitation/accept/", invitations.invitation_accept, name="invitation_accept"),
    path("invitation/decline/", invitations.invitation_decline, name="invitation_decline"),
    path(
        "me/notifications/",
        preferences.notification_preferences,
        name="notification_preferences",
    ),
    path("settings/api-keys/", api_keys.api_keys, name="api_keys"),
    path("settings/modules/", events.modules_settings, name="modules_settings"),
    path("settings/events/", events.events_list, name="events"),
    path("settings/events/export/", events_export.events_export, name="events_export"),
    path(
        "settings/api-keys/<int:api_key_id>/revoke/",
        api_keys.api_key_revoke_view,
        name="api_key_revoke",
    ),
]
