"""Regressions found in review."""

from cases.models import Case, CaseCounter
from cases.services.cases import case_change, case_close
from cases.services.tags import case_tag_add
from tests.factories.cases import make_case
from tests.factories.organizations import TeamFactory


def test_closed_case_moved_back_to_resolved_is_no_longer_closed(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    case_close(org=tenant.org, actor=tenant.caseworker, case=case, resolution="Fixed")
    assert case.closed_at is not None

    case_change(org=tenant.org, actor=tenant.caseworker, case=case, status=Case.Status.RESOLVED)

    case.refresh_from_db()
    assert case.closed_at is None
    assert case.resolved_at is not None


def test_changing_only_teams_or_tags_marks_the_case_updated(tenant):
    case = make_case(tenant.org, tenant.caseworker)
    before = Case.objects.get(pk=case.pk).updated_at

    case_change(
        org=tenant.org,
        actor=tenant.caseworker,
        case=case,
        teams=[TeamFactory(organization=tenant.org)],
    )
    after_teams = Case.objects.get(pk=case.pk).updated_at
    assert after_teams > before

    case_tag_add(org=tenant.org, actor=tenant.caseworker, case=case, name="urgent")
    assert Case.objects.get(pk=case.pk).updated_at > after_teams


def test_numbering_continues_after_existing_cases_when_the_counter_is_missing(tenant):
    make_case(tenant.org, tenant.caseworker)
    make_case(tenant.org, tenant.caseworker)
    CaseCounter.objects.filter(organization=tenant.org).delete()

    assert make_case(tenant.org, tenant.caseworker).number == 3
