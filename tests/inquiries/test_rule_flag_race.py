"""The intake rule's "create at once" flag is never cached stale across a change (issue 9, 15).

The interleavings run in one thread, in a fixed order, with real commits (transaction=True): a
request's read of the rule starts before a change commits and stores what it read after the
change's commit has done its forgetting."""

from __future__ import annotations

import pytest
from django.db import transaction

from inquiries.models import Channel, IntakeRule
from inquiries.services import rules
from inquiries.services.rules import creates_case_at_once, intake_rule_update

pytestmark = pytest.mark.django_db(transaction=True)


def _rule(org) -> IntakeRule:
    group = IntakeRule.ChannelGroup.EXTERNAL
    return IntakeRule.objects.get_or_create(organization=org, channel_group=group)[0]


def _another_process_asks(org) -> bool:
    """What a process without this one's local copy answers (it reads the shared cache)."""
    rules.forget_local_rules()
    return creates_case_at_once(org, Channel.API)


def test_a_read_from_before_a_change_is_not_stored_after_it(tenant, monkeypatch):
    org = tenant.org
    rule = _rule(org)
    rule.create_case_immediately = False
    rule.save()
    real_read = rules.intake_rule_for
    steps: list[str] = []

    def read_then_change_commits(org_, channel):
        found = real_read(org_, channel)  # the old rule, read before the change commits
        steps.append("read")
        if len(steps) == 1:
            # The change commits (and its post-commit forgetting runs) before the read stores.
            intake_rule_update(org=org, actor=None, rule=_rule(org), create_case_immediately=True)
            steps.append("changed")
        return found

    monkeypatch.setattr(rules, "intake_rule_for", read_then_change_commits)

    assert creates_case_at_once(org, Channel.API) is False  # answered from before the change
    assert steps == ["read", "changed"]
    assert _rule(org).create_case_immediately is True

    assert _another_process_asks(org) is True
    assert creates_case_at_once(org, Channel.API) is True


def test_a_rolled_back_change_read_in_its_own_transaction_is_not_cached(tenant):
    org = tenant.org
    rule = _rule(org)
    rule.create_case_immediately = False
    rule.save()
    assert creates_case_at_once(org, Channel.API) is False

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        intake_rule_update(org=org, actor=None, rule=_rule(org), create_case_immediately=True)
        assert creates_case_at_once(org, Channel.API) is True  # this transaction's own view
        raise Undo

    assert _rule(org).create_case_immediately is False
    assert _another_process_asks(org) is False
    assert creates_case_at_once(org, Channel.API) is False


def test_a_committed_change_is_seen_by_the_next_request(tenant):
    org = tenant.org
    assert _another_process_asks(org) is _rule(org).create_case_immediately
    with transaction.atomic():
        intake_rule_update(
            org=org,
            actor=None,
            rule=_rule(org),
            create_case_immediately=not _rule(org).create_case_immediately,
        )
    assert _another_process_asks(org) is _rule(org).create_case_immediately


def test_a_deleted_rule_is_forgotten(tenant):
    org = tenant.org
    rule = _rule(org)
    rule.create_case_immediately = True
    rule.save()
    assert _another_process_asks(org) is True
    rule.delete()  # recreated with the model's default on the next read
    assert _another_process_asks(org) is _rule(org).create_case_immediately
