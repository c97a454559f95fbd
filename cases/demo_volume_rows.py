"""The rows of the demo's everyday cases (cases/demo_volume.py), in the shapes the services write
them: notes and their mentions, tasks, time entries, outbox rows of replies that were sent, the
customers' answers, team and tag links, and every history entry with its audit row."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from cases.demo_volume_texts import Words
from cases.mentions import mention_token
from cases.models import Case, CaseEvent, CaseTag, CaseTeam, Note, NoteMention, Task, TimeEntry
from cases.services.events import event_build, events_save
from cases.services.messages import subject_with_token
from notifications.messages import language_for, render, template_for
from notifications.models import OutboundMessage
from notifications.outbox.queueing import default_from, new_message_id, primary_address

Kind = CaseEvent.Kind
Sent = OutboundMessage.Status
MINUTE = datetime.timedelta(minutes=1)


class Rows:
    """Collects one organization's rows case by case; `save` inserts them, a few statements
    per table."""

    def __init__(self, demo, words: Words, rnd: random.Random) -> None:
        self.demo, self.words, self.rnd = demo, words, rnd
        self.org = demo.org
        self.language = language_for(self.org, None)
        self.template = template_for(self.org, OutboundMessage.Kind.REPLY, self.language)
        self.from_email = default_from(self.org)
        self.reply_to = primary_address(self.org)
        self.events: list[CaseEvent] = []
        self.notes: list[Note] = []
        self.mentions: list[tuple[Note, int]] = []
        self.tasks: list[Task] = []
        self.times: list[TimeEntry] = []
        self.outbox: list[tuple[OutboundMessage, CaseEvent]] = []
        self.links: list = []

    def add(self, case: Case, plan: dict) -> None:
        worker = case.assignee or self.demo.caseworker
        source = {"source": case.source}
        self._event(case, case.created_by, Kind.CREATED, case.created_at, data=source)
        if plan["team"] is not None:
            self.links.append(CaseTeam(organization=self.org, case=case, team=plan["team"]))
        if plan["tag"] is not None:
            self.links.append(CaseTag(organization=self.org, case=case, tag=plan["tag"]))
        task = None
        reply: OutboundMessage | None = None
        for step, at in zip(plan["steps"], plan["stamps"][1:], strict=True):
            kind, args = step[0], step[1:]
            if kind == "status":
                self._event(case, worker, Kind.STATUS, at, field="status", old=args[0], new=args[1])
            elif kind == "reply":
                reply = self._reply(case, worker, args[0], at)
            elif kind == "answer":
                self._answer(case, reply, args[0], at)
            elif kind == "note":
                self._note(case, worker, args[0], at)
            elif kind == "task":
                task = self._task(case, worker, args[0], args[1], at)
            elif kind == "task_done" and task is not None:
                self._task_done(case, task, args[0], at)
            elif kind == "time":
                entry = TimeEntry(
                    organization=self.org, case=case, user=worker, minutes=args[0],
                    date=at.date(), note=args[1], created_at=at,
                )  # fmt: skip
                self.times.append(entry)
                data = {"minutes": args[0], "date": at.date().isoformat(), "user": str(worker)}
                self._event(case, worker, Kind.TIME, at, new=args[0], data=data, time_entry=entry)
            elif kind == "close":
                self._event(case, worker, Kind.FIELD, at, field="resolution", new=args[0])
                closed = {"field": "status", "old": "resolved", "new": "closed"}
                self._event(case, worker, Kind.STATUS, at, **closed)

    def _event(self, case, actor, kind, at, **fields) -> CaseEvent:
        refs = {k: fields.pop(k) for k in ("note", "task", "time_entry") if k in fields}
        event = event_build(case=case, actor=actor, kind=kind, **fields, **refs)
        event.created_at = at
        self.events.append(event)
        return event

    def _reply(self, case: Case, actor, text: str, at) -> OutboundMessage | None:
        customer = case.customer
        values = {
            "case_number": str(case.number),
            "case_title": case.title,
            "customer_name": customer.name,
            "message": text,
            "actor_name": actor.get_full_name(),
            "link": "",
        }
        rendered = render(
            org=self.org, kind=OutboundMessage.Kind.REPLY, language=self.language,
            values=values, template=self.template,
        )  # fmt: skip
        message_id = new_message_id()
        sent = at + datetime.timedelta(seconds=self.rnd.randint(2, 40))
        # The provider's report of delivery comes a little later; the newest may not yet.
        delivered = timezone.now() - at > datetime.timedelta(hours=2)
        row = OutboundMessage(
            organization=self.org, channel=OutboundMessage.Channel.EMAIL,
            kind=OutboundMessage.Kind.REPLY, to=customer.email, to_name=customer.name,
            from_email=self.from_email, reply_to=self.reply_to,
            subject=subject_with_token(case, rendered.subject), body_text=rendered.text,
            body_html=rendered.html, language=self.language, message_id=message_id,
            status=Sent.DELIVERED if delivered else Sent.SENT, provider_message_id=message_id,
            attempts=1, created_by=actor, created_at=at, next_attempt_at=at, sent_at=sent,
            status_changed_at=sent + (MINUTE if delivered else datetime.timedelta(0)),
        )  # fmt: skip
        data = {
            "channel": row.channel, "to": row.to, "to_name": row.to_name,
            "subject": row.subject, "text": row.body_text, "purpose": row.kind, "attachments": [],
        }  # fmt: skip
        self.outbox.append((row, self._event(case, actor, Kind.MESSAGE_OUT, at, data=data)))
        return row

    def _answer(self, case: Case, reply: OutboundMessage | None, text: str, at) -> None:
        customer = case.customer
        subject = f"Re: {reply.subject}" if reply is not None else case.title
        data = {
            "channel": "email", "message_id": new_message_id(), "from": customer.email,
            "from_name": customer.name, "subject": subject, "text": text, "quoted": "",
            "html": "", "attachments": [], "attachment_ids": [], "refused_attachments": [],
        }  # fmt: skip
        self._event(case, None, Kind.MESSAGE_IN, at, data=data)

    def _note(self, case: Case, author, text: str, at) -> None:
        colleague = self.demo.colleague if author != self.demo.colleague else self.demo.caseworker
        mentioned = "{mention}" in text
        body = text.replace("{mention}", mention_token(colleague.pk, str(colleague)))
        note = Note(organization=self.org, case=case, author=author, body=body, created_at=at)
        self.notes.append(note)
        if mentioned:
            self.mentions.append((note, colleague.pk))
        data = {"mentions": [colleague.pk] if mentioned else []}
        self._event(case, author, Kind.NOTE, at, data=data, note=note)

    def _task(self, case: Case, actor, title: str, to: str, at) -> Task:
        supplier = case.supplier if to == "supplier" else None
        assignee = None if supplier else self.demo.colleague
        task = Task(
            organization=self.org, case=case, title=title, assignee=assignee, supplier=supplier,
            due_date=at.date() + datetime.timedelta(days=7), created_by=actor, created_at=at,
        )  # fmt: skip
        self.tasks.append(task)
        data = {
            "assignee": str(assignee) if assignee else "",
            "supplier": supplier.name if supplier else "",
            "due_date": task.due_date.isoformat(),
        }
        self._event(case, actor, Kind.TASK_ADDED, at, new=title, data=data, task=task)
        return task

    def _task_done(self, case: Case, task: Task, text: str, at) -> None:
        by = self.demo.supplier if task.supplier_id or task.supplier else task.assignee
        task.status, task.completion_note = Task.Status.DONE, text
        task.completed_at, task.completed_by = at, by
        self._event(case, by, Kind.TASK_DONE, at, old=task.title, new=text, task=task)

    def save(self) -> None:
        Note.objects.bulk_create(self.notes)
        Task.objects.bulk_create(self.tasks)
        TimeEntry.objects.bulk_create(self.times)
        OutboundMessage.objects.bulk_create([row for row, _event in self.outbox])
        for row, event in self.outbox:
            event.outbound_message_id = row.pk
        NoteMention.objects.bulk_create(
            NoteMention(organization=self.org, note=note, user_id=user_id)
            for note, user_id in self.mentions
        )
        CaseTeam.objects.bulk_create(link for link in self.links if isinstance(link, CaseTeam))
        CaseTag.objects.bulk_create(link for link in self.links if isinstance(link, CaseTag))
        events_save(self.events)
