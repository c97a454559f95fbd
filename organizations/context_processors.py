from organizations.selectors import memberships_for_user


def organization(request):
    """Expose the current organization, membership and the switcher's list to templates."""
    org = getattr(request, "org", None)
    user = getattr(request, "user", None)
    if org is None or user is None or not user.is_authenticated:
        return {"org": org}
    return {
        "org": org,
        "membership": request.membership,
        # org_view read them with the current membership; other pages read them if shown.
        "my_memberships": getattr(request, "my_memberships", None) or memberships_for_user(user),
    }
