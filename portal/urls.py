"""The residents' portal under /portal/<org-slug>/."""

from django.urls import path

from portal.views import inquiry, pages, signin

app_name = "portal"

urlpatterns = [
    path("", pages.home, name="home"),
    path("sign-in/", signin.login, name="login"),
    path("sign-in/sent/", signin.link_sent, name="link_sent"),
    path("sign-out/", signin.logout, name="logout"),
    path("link/<str:token>/", signin.link, name="link"),
    path("register/", signin.register, name="register"),
    path("language/", signin.language, name="language"),
    path("cases/<int:number>/", pages.case_detail, name="case"),
    path("cases/<int:number>/message/", pages.case_message, name="case_message"),
    path("cases/<int:number>/files/<int:attachment_id>/", pages.case_file, name="case_file"),
    path("profile/", pages.profile, name="profile"),
    path("profile/password/", pages.profile_password, name="profile_password"),
    path("inquiries/new/", inquiry.inquiry_new, name="inquiry_new"),
    path(
        "inquiries/new/files/<str:token>/",
        inquiry.inquiry_upload_preview,
        name="inquiry_upload_preview",
    ),
]
