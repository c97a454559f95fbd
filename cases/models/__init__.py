"""Cases app models, one module per concern; import them from here."""

from cases.models.case import Case, CaseContainer, CaseCounter, CaseTag, CaseTeam, Category, Tag
from cases.models.deviation import Deviation, DeviationCounter, DeviationFile, deviation_file_path
from cases.models.history import CaseEvent, NotificationRequest
from cases.models.service_levels import ServiceLevelPolicy
from cases.models.work import Attachment, Note, NoteMention, Task, TimeEntry, attachment_path

__all__ = [
    "Attachment",
    "Case",
    "CaseContainer",
    "CaseCounter",
    "CaseEvent",
    "CaseTag",
    "CaseTeam",
    "Category",
    "Deviation",
    "DeviationCounter",
    "DeviationFile",
    "Note",
    "NoteMention",
    "NotificationRequest",
    "ServiceLevelPolicy",
    "Tag",
    "Task",
    "TimeEntry",
    "attachment_path",
    "deviation_file_path",
]
