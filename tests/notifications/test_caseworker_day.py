"""Notices people expect: the case's assignee hears when a supplier completes a task; a
supplier's users hear when a case is handed to their company; a member of several organizations
sees in the switcher that another one has unread notices (one query, only their own)."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse

from cases.models import Task
from cases.services.cases import case_change
from cases.services.tasks import task_add, task_complete
from notifications.context_processors import bell
from notifications.models import Notification, OutboundMessage
from notifications.services import notification_create_many
from organizations.models import Membership
from tests.factories.cases import make_case
from tests.factories.customers import SupplierFactory
from tests.factories.organizations import MembershipFactory, OrganizationFactory


def _supplier(tenant):
    company = SupplierFactory(organization=tenant.org, name="Rør & Co AS", email="")
    company.users.add(tenant.supplier)
    return company


# --- A task done --------------------------------------------------------------------------


def test_assignee_hears_when_a_supplier_completes_a_task(tenant):
    case = make_case(tenant.org, tenant.caseworker, assignee=tenant.caseworker)
    task = task_add(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        title="Skift pakning",
        supplier=_supplier(tenant),
    )
    task_complete(org=tenant.org, actor=tenant.supplier, task=task, note="Pakning skiftet.")

    notice = Notification.objects.get(recipient=tenant.caseworker, kind=Notification.Kind.TASK_DONE)
    assert "Skift pakning" in notice.text and f"#{case.number}" in notice.text
    assert notice.url.endswith(f"#task-{task.pk}")
    assert notice.actor == tenant.supplier


def test_task_done_email_follows_the_task_preference(tenant):
    tenant.caseworker.notify_tasks_by_email = True
    tenant.caseworker.save(update_fields=["notify_tasks_by_email"])
    tenant.admin.notify_tasks_by_email = False
    tenant.admin.save(update_fields=["notify_tasks_by_email"])
    case = make_case(tenant.org, tenant.admin, assignee=tenant.caseworker)
    task = task_add(
        org=tenant.org, actor=tenant.admin, case=case, title="Befaring", supplier=_supplier(tenant)
    )
    task_complete(org=tenant.org, actor=tenant.supplier, task=task, note="Ferdig")

    mails = OutboundMessage.objects.filter(kind=OutboundMessage.Kind.TASK_DONE)
    assert [m.to for m in mails] == [tenant.caseworker.email]
    assert "Befaring" in mails[0].subject and "Ferdig" in mails[0].body_text
    # The admin gave the task: the bell, but no e-mail (their preference).
    assert Notification.objects.filter(recipient=tenant.admin, kind="task_done").count() == 1


def test_nobody_hears_of_their_own_completion(tenant):
    case = make_case(tenant.org, tenant.caseworker, assignee=tenant.caseworker)
    task = task_add(org=tenant.org, actor=tenant.caseworker, case=case, title="Ring kunden")
    task_complete(org=tenant.org, actor=tenant.caseworker, task=task)
    assert not Notification.objects.filter(kind=Notification.Kind.TASK_DONE).exists()
    assert Task.objects.get(pk=task.pk).is_done


# --- A supplier set on a case -------------------------------------------------------------


def test_supplier_users_hear_when_a_case_is_handed_to_them(tenant):
    supplier = _supplier(tenant)
    case = make_case(tenant.org, tenant.caseworker)
    case_change(org=tenant.org, actor=tenant.caseworker, case=case, supplier=supplier)
    notice = Notification.objects.get(recipient=tenant.supplier, kind=Notification.Kind.SUPPLIER)
    assert f"#{case.number}" in notice.text and "Rør & Co AS" in notice.text
    assert notice.url == reverse("cases:supplier_work", kwargs={"org_slug": tenant.org.slug})


def test_supplier_users_hear_when_a_case_is_opened_for_them(tenant):
    supplier = _supplier(tenant)
    make_case(tenant.org, tenant.caseworker, supplier=supplier, title="Tett avløp")
    notice = Notification.objects.get(recipient=tenant.supplier, kind=Notification.Kind.SUPPLIER)
    assert "Tett avløp" in notice.text


def test_inactive_supplier_membership_hears_nothing(tenant):
    supplier = _supplier(tenant)
    Membership.objects.filter(user=tenant.supplier, organization=tenant.org).update(is_active=False)
    make_case(tenant.org, tenant.caseworker, supplier=supplier)
    assert not Notification.objects.filter(kind=Notification.Kind.SUPPLIER).exists()


def test_supplier_of_another_organization_is_refused(tenant, other_tenant):
    foreign = SupplierFactory(organization=other_tenant.org)
    case = make_case(tenant.org, tenant.caseworker)
    try:
        case_change(org=tenant.org, actor=tenant.caseworker, case=case, supplier=foreign)
    except Exception as exc:  # noqa: BLE001 - the message is what matters
        assert "another organization" in str(exc)
    else:
        raise AssertionError("a supplier of another organization was accepted")
    assert not Notification.objects.exists()


# --- Unread in other organizations --------------------------------------------------------


def _three_orgs(tenant):
    second = OrganizationFactory(slug="gamma", name="Gamma Eiendom")
    third = OrganizationFactory(slug="delta", name="Delta Drift")
    for org in (second, third):
        MembershipFactory(organization=org, user=tenant.caseworker, role="caseworker")
    return second, third


def _inbox(tenant) -> str:
    return reverse("cases:inbox", kwargs={"org_slug": tenant.org.slug})


def _notify(org, user, n=1):
    notification_create_many(
        org=org, actor=None, recipients=[user] * n, kind="other", text="Hei", url="/"
    )


def test_switcher_shows_unread_in_other_organizations(tenant, staff_client):
    second, third = _three_orgs(tenant)
    _notify(second, tenant.caseworker, 2)
    _notify(tenant.org, tenant.caseworker)  # this organization's: the bell, not the switcher
    html = staff_client.get(_inbox(tenant)).content.decode()
    assert "2 unread notifications in other organizations" in html
    assert '<span class="badge">2</span>' in html  # next to Gamma in the list
    assert html.count('<span class="badge">') == 1  # Delta has none, Alpha is the bell's


def test_unread_elsewhere_costs_one_query_and_only_counts_my_rows(
    tenant, other_tenant, django_assert_num_queries
):
    second, third = _three_orgs(tenant)
    _notify(second, tenant.caseworker, 3)
    _notify(third, tenant.caseworker)
    _notify(second, tenant.admin, 5)  # someone else's
    request = RequestFactory().get("/")
    request.org, request.user = tenant.org, tenant.caseworker
    unread = bell(request)["unread_elsewhere"]
    with django_assert_num_queries(1):
        assert unread.total == 4
        assert unread.for_org(second.pk) == 3
        assert unread.for_org(third.pk) == 1
        assert unread.for_org(other_tenant.org.pk) == 0


def test_single_organization_member_costs_no_query_for_it(tenant, staff_client):
    _notify(tenant.org, tenant.caseworker)
    html = staff_client.get(_inbox(tenant)).content.decode()
    assert "other organizations" not in html
