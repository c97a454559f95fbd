"""The Django admin never links a row to another organization's rows (issue 10).

Every admin of a model with an organization validates that what its form links — foreign keys,
raw ids, autocomplete and many-to-many fields, inline rows — belongs to the row's organization
(users: have a membership there); the organization is read-only once the row exists
(organizations/admin.py). The forms are posted the way a browser would, from the page's own
fields, with one value swapped.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.widgets import ManyToManyRawIdWidget, RelatedFieldWidgetWrapper
from django.db import models
from django.forms import CheckboxInput, MultiWidget, SelectMultiple
from django.urls import reverse

from cases.models import Case, CaseTag, CaseTeam, Task
from organizations.admin import (
    TenantAdminForm,
    TenantAdminMixin,
    TenantInlineForm,
    TenantInlineMixin,
)
from organizations.links import TenantManyToManyField
from organizations.models import Membership, Team, TeamMember
from tests.factories.cases import TagFactory, make_case
from tests.factories.customers import CustomerFactory, SupplierFactory
from tests.factories.organizations import TeamFactory, UserFactory
from tests.factories.properties import ContainerFactory, PropertyFactory
from tests.tenancy.test_link_tables import LINKS

pytestmark = pytest.mark.django_db

FOREIGN = "That belongs to another organization."


@pytest.fixture
def root_client(client):
    client.force_login(UserFactory(email="root@example.com", is_staff=True, is_superuser=True))
    return client


def _has_organization(model) -> bool:
    return any(f.name == "organization" for f in model._meta.concrete_fields)


def _url(obj_or_model, action: str = "change") -> str:
    opts = obj_or_model._meta
    args = [obj_or_model.pk] if action == "change" else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def _widget(field):
    widget = field.widget
    return widget.widget if isinstance(widget, RelatedFieldWidgetWrapper) else widget


def _put(data: dict, bound_field) -> None:
    """What a browser sends for `bound_field` as the page shows it."""
    name, value, widget = bound_field.html_name, bound_field.value(), _widget(bound_field.field)
    if isinstance(widget, ManyToManyRawIdWidget):
        data[name] = ",".join(str(v) for v in value or [])
    elif isinstance(widget, SelectMultiple):
        data[name] = [str(v) for v in value or []]
    elif isinstance(widget, CheckboxInput):
        if value:
            data[name] = "on"
    elif isinstance(widget, MultiWidget):
        for i, part in enumerate(widget.decompress(value)):
            data[f"{name}_{i}"] = "" if part is None else str(part)
    else:
        data[name] = "" if value is None else str(value)


def _page_data(response) -> dict:
    data: dict = {}
    for bound_field in response.context["adminform"].form:
        _put(data, bound_field)
    for inline in response.context["inline_admin_formsets"]:
        for bound_field in inline.formset.management_form:
            _put(data, bound_field)
        for form in inline.formset.initial_forms:
            for bound_field in form:
                _put(data, bound_field)
    return data


def _post(client, url: str, **changes):
    page = client.get(url)
    assert page.status_code == 200
    data = _page_data(page)
    data.update(changes)
    return client.post(url, data)


def _refused(response, field: str) -> bool:
    form = response.context["adminform"].form if response.status_code == 200 else None
    return form is not None and FOREIGN in form.errors.get(field, [])


# --- Every tenant admin follows the rule -----------------------------------------------------


def test_every_admin_of_a_tenant_model_checks_what_it_links():
    checked = []
    for model, model_admin in admin.site._registry.items():
        if not _has_organization(model):
            continue
        assert isinstance(model_admin, TenantAdminMixin), model.__name__
        assert issubclass(model_admin.form, TenantAdminForm), model.__name__
        checked.append(model)
        for inline in model_admin.inlines:
            if _has_organization(inline.model):
                assert issubclass(inline, TenantInlineMixin), inline.__name__
                assert issubclass(inline.form, TenantInlineForm), inline.__name__
    assert Case in checked and Team in checked and Membership in checked


def test_the_organization_is_chosen_once(root_client, tenant):
    case = make_case(tenant.org, tenant.caseworker)

    form = root_client.get(_url(case)).context["adminform"].form

    assert "organization" not in form.fields
    assert "organization" in root_client.get(_url(Case, "add")).context["adminform"].form.fields


# --- A case with another organization's rows through raw ids --------------------------------


FOREIGN_VALUES = {
    "customer": lambda o: CustomerFactory(organization=o.org).pk,
    "supplier": lambda o: SupplierFactory(organization=o.org).pk,
    "property": lambda o: PropertyFactory(organization=o.org).pk,
    "assignee": lambda o: o.caseworker.pk,
    "teams": lambda o: str(TeamFactory(organization=o.org).pk),
    "tags": lambda o: str(TagFactory(organization=o.org).pk),
    "containers": lambda o: str(ContainerFactory(property__organization=o.org).pk),
}


@pytest.mark.parametrize("field", FOREIGN_VALUES)
def test_a_case_linked_to_another_organizations_row_is_refused(
    root_client, tenant, other_tenant, field
):
    case = make_case(tenant.org, tenant.caseworker, title="Leaking roof")

    response = _post(
        root_client, _url(case), title="Changed", **{field: FOREIGN_VALUES[field](other_tenant)}
    )

    assert _refused(response, field)
    case.refresh_from_db()
    assert case.title == "Leaking roof"
    assert (case.customer_id, case.supplier_id, case.property_id) == (None, None, None)
    assert not CaseTeam.objects.exists() and not CaseTag.objects.exists()


def test_a_case_linked_to_its_own_organizations_rows_is_saved_with_the_links(root_client, tenant):
    case = make_case(tenant.org, tenant.caseworker)
    team, tag = TeamFactory(organization=tenant.org), TagFactory(organization=tenant.org)
    customer = CustomerFactory(organization=tenant.org)

    response = _post(
        root_client,
        _url(case),
        customer=customer.pk,
        assignee=tenant.admin.pk,
        teams=str(team.pk),
        tags=str(tag.pk),
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.customer, case.assignee) == (customer, tenant.admin)
    assert [(link.team_id, link.organization_id) for link in CaseTeam.objects.all()] == [
        (team.pk, tenant.org.pk)
    ]
    assert [(link.tag_id, link.organization_id) for link in CaseTag.objects.all()] == [
        (tag.pk, tenant.org.pk)
    ]


# --- Every many-to-many field of every admin ------------------------------------------------


def _admin_links() -> list[str]:
    return [name for name, link in LINKS.items() if _m2m_field(link).model in admin.site._registry]


def _m2m_field(link) -> TenantManyToManyField:
    owner = next(
        f.related_model
        for f in link.model._meta.concrete_fields
        if isinstance(f, models.ForeignKey) and f.name != "organization"
    )
    return next(f for f in owner._meta.many_to_many if f.remote_field.through is link.model)


def test_every_admin_many_to_many_is_tried():
    fields = {
        (model, f.name)
        for model in admin.site._registry
        for f in model._meta.many_to_many
        if isinstance(f, TenantManyToManyField)
    }
    tried = {(_m2m_field(LINKS[n]).model, _m2m_field(LINKS[n]).name) for n in _admin_links()}
    assert fields == tried
    assert len(tried) >= 6  # case teams, containers, tags; note mentions; team members...


def _value(bound_widget, pk: int):
    return str(pk) if isinstance(bound_widget, ManyToManyRawIdWidget) else [str(pk)]


@pytest.mark.parametrize("name", _admin_links())
def test_a_link_to_another_organization_is_refused_through_every_admin_many_to_many(
    root_client, tenant, other_tenant, name
):
    link = LINKS[name]
    field = _m2m_field(link)
    owner, foreign, own = link.left(tenant), link.right(other_tenant), link.right(tenant)
    url = _url(owner)
    widget = _widget(root_client.get(url).context["adminform"].form.fields[field.name])

    refused = _post(root_client, url, **{field.name: _value(widget, foreign.pk)})
    assert _refused(refused, field.name)
    assert not link.model.objects.exists()

    accepted = _post(root_client, url, **{field.name: _value(widget, own.pk)})
    assert accepted.status_code == 302
    assert [row.organization_id for row in link.model.objects.all()] == [tenant.org.pk]


# --- Adding rows and inline rows -------------------------------------------------------------


def test_adding_a_team_with_an_outsider_is_refused_and_with_members_works(
    root_client, tenant, other_tenant
):
    data = {"organization": tenant.org.pk, "name": "Drift"}
    outsider = other_tenant.caseworker

    refused = root_client.post(
        _url(Team, "add"), {**data, "members": [tenant.caseworker.pk, outsider.pk]}
    )
    assert _refused(refused, "members")
    assert not Team.objects.filter(organization=tenant.org).exists()

    added = root_client.post(_url(Team, "add"), {**data, "members": [tenant.caseworker.pk]})
    assert added.status_code == 302
    team = Team.objects.get(organization=tenant.org)
    assert list(TeamMember.objects.values_list("team", "user", "organization")) == [
        (team.pk, tenant.caseworker.pk, tenant.org.pk)
    ]


def _task_row(**values) -> dict:
    prefix = "tasks-0"
    return {
        "tasks-TOTAL_FORMS": "1",
        **{f"{prefix}-{key}": value for key, value in values.items()},
    }


def test_an_inline_task_for_another_organizations_supplier_is_refused(
    root_client, tenant, other_tenant
):
    case = make_case(tenant.org, tenant.caseworker)
    foreign = SupplierFactory(organization=other_tenant.org)

    response = _post(
        root_client, _url(case), **_task_row(title="Fix it", status="open", supplier=foreign.pk)
    )

    assert response.status_code == 200
    (formset,) = [
        f.formset for f in response.context["inline_admin_formsets"] if f.formset.prefix == "tasks"
    ]
    assert FOREIGN in formset.forms[0].errors.get("supplier", [])
    assert not Task.objects.exists()


def test_an_inline_task_takes_its_cases_organization(root_client, tenant):
    case = make_case(tenant.org, tenant.caseworker)
    supplier = SupplierFactory(organization=tenant.org)

    response = _post(
        root_client, _url(case), **_task_row(title="Fix it", status="open", supplier=supplier.pk)
    )

    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.case, task.supplier, task.organization) == (case, supplier, tenant.org)


def test_a_membership_is_where_a_user_joins_an_organization(root_client, tenant):
    newcomer = UserFactory()

    response = root_client.post(
        _url(Membership, "add"),
        {"organization": tenant.org.pk, "user": newcomer.pk, "role": "caseworker"},
    )

    assert response.status_code == 302
    assert Membership.objects.filter(organization=tenant.org, user=newcomer).exists()
