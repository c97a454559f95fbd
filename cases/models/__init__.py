"""Cases app models, one module per concern; import them from here."""

from cases.models.case import Case, CaseCounter, Category, Tag
from cases.models.history import CaseEvent, NotificationRequest
from cases.models.work import Attachment, Note, Task, TimeEntry, attachment_path

__all__ = [
    "Attachment",
    "Case",
    "CaseCounter",
    "CaseEvent",
    "Category",
    "Note",
    "NotificationRequest",
    "Tag",
    "Task",
    "TimeEntry",
    "attachment_path",
]
