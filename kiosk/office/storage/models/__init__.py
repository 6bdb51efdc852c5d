"""The office's SQLAlchemy models, one module per aggregate on one declarative `Base`.

Importing this package registers every table on `Base.metadata` (Alembic and the tests compare
against it); import the models from here.
"""

from kiosk.office.storage.models.access import Kiosk, LoginAttempt, User, WebSession
from kiosk.office.storage.models.base import Base, UTCDateTime
from kiosk.office.storage.models.dossier import CatalogueMeta, Dossier, DossierCounter, DossierHistory, ProcedureRow
from kiosk.office.storage.models.handoff import Handoff
from kiosk.office.storage.models.queue import Counter, DailyCounter, Service, Ticket, counter_services
from kiosk.office.storage.models.rating import CounterDevice, Rating
from kiosk.office.storage.models.records import AuditEntry, Event, ReportDay, SettingRow, WardIdentityRow
from kiosk.office.storage.models.volunteer import HelpRequest, Volunteer, VolunteerAssist

__all__ = [
    "AuditEntry", "Base", "CatalogueMeta", "Counter", "CounterDevice", "DailyCounter", "Dossier", "DossierCounter",
    "DossierHistory", "Event", "Handoff", "HelpRequest", "Kiosk", "LoginAttempt", "ProcedureRow", "Rating",
    "ReportDay", "Service", "SettingRow", "Ticket", "User", "UTCDateTime", "Volunteer", "VolunteerAssist",
    "WardIdentityRow", "WebSession", "counter_services",
]
