"""Response models of the office API: what each route returns, as /openapi.json documents it.

The operations build plain dicts (operations/json_views.py, dossiers.py, help_requests.py,
volunteers.py); these models declare the same shapes. Times are ISO 8601 strings exactly as the
views format them (typed `str`, so the wire format stays byte for byte what clients parse).
`extra="allow"` keeps a key a view adds before its model learns of it: a client never loses a
field to the schema; tests/office/api/test_office_openapi.py checks the declared fields against real answers.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

Timestamp = Annotated[str, Field(description="ISO 8601 date-time with UTC offset")]
Day = Annotated[str, Field(description="ISO date YYYY-MM-DD (the ward's local day)")]
Number = int | float  # runtime settings keep what the admin typed (30 stays 30, 2.5 stays 2.5)


class Out(BaseModel):
    model_config = ConfigDict(extra="allow")


class Ok(Out):
    ok: bool


# ---- public reads

class Health(Out):
    ok: bool
    server_time: Timestamp
    timezone: str
    worker: int = Field(description="the answering worker's process id")


class ServiceOut(Out):
    id: int
    code: str
    prefix: str
    name_vi: str
    name_en: str
    active: bool
    sort_order: int


class ServiceLine(ServiceOut):
    """A service with its line now: a service with empty `counters` cannot issue (409 service_closed)."""
    waiting: int
    waiting_priority: int
    estimated_wait_minutes: int
    counters: list[int] = Field(description="numbers of the open counters serving it")


class ServiceList(Out):
    services: list[ServiceLine]


class CounterOut(Out):
    id: int
    number: int
    name: str
    active: bool
    paused: bool
    pause_reason: str | None
    services: list[str] = Field(description="service codes")


class BoardTicket(Out):
    ticket_id: int
    number: str
    service: str
    status: str
    priority: str | None
    called_at: Timestamp | None


class BoardCounter(CounterOut):
    current: BoardTicket | None


class Call(Out):
    ticket_id: int
    number: str
    counter_number: int
    counter_id: int
    service: str
    at: Timestamp
    recall: bool
    event_id: int | None = None


class Queue(Out):
    day: Day
    server_time: Timestamp
    services: list[ServiceLine]
    counters: list[BoardCounter]
    last_calls: list[Call]
    last_event_id: int


class PublicTicket(Out):
    """What the citizen's phone sees: no kiosk, no staff, no personal data."""
    number: str
    service: str
    service_name_vi: str
    service_name_en: str
    status: str
    day: Day
    ahead: int
    position: int | None
    estimated_wait_minutes: int
    counter: int | None
    issued_at: Timestamp
    called_at: Timestamp | None


# ---- tickets

class TicketOut(Out):
    id: int
    number: str = Field(description="the printed label, e.g. A012")
    service: str
    service_name_vi: str
    service_name_en: str
    status: str
    priority: str | None
    ahead: int
    estimated_wait_minutes: int
    public_token: str
    day: Day
    kiosk_id: str
    volunteer_code: str | None
    counters: list[int]
    counter: int | None
    counter_id: int | None
    target_counter_id: int | None
    printed: bool | None
    print_error: str | None
    reprint_count: int
    call_count: int
    transfer_count: int
    closed_reason: str | None
    issued_at: Timestamp
    queued_at: Timestamp
    called_at: Timestamp | None
    started_at: Timestamp | None
    finished_at: Timestamp | None
    no_show_at: Timestamp | None
    cancelled_at: Timestamp | None
    transferred_at: Timestamp | None
    reprint_requested_at: Timestamp | None


class TicketList(Out):
    day: Day
    tickets: list[TicketOut]


class CounterNow(CounterOut):
    current: TicketOut | None


class CounterList(Out):
    counters: list[CounterNow]


class AdminCounterList(Out):
    counters: list[CounterOut]


# ---- people and devices

class UserOut(Out):
    id: int
    username: str
    full_name: str
    role: str
    active: bool


class UserList(Out):
    users: list[UserOut]


class LoginOut(Out):
    token: str
    expires_at: Timestamp
    user: UserOut


class KioskOut(Out):
    id: str
    name: str
    active: bool
    last_seen: Timestamp | None
    status: dict[str, Any] = Field(description="the last heartbeat: printer, scanner, version")


class KioskList(Out):
    kiosks: list[KioskOut]


class HeartbeatOut(Out):
    ok: bool
    server_time: Timestamp
    # the ward's identity (GET /api/ward): a kiosk follows an admin's change at its next heartbeat
    ward: dict[str, Any] | None = None


class AdminServiceList(Out):
    services: list[ServiceOut]


class RuntimeSettings(Out):
    priority_ratio_normal: Number
    priority_ratio_priority: Number
    max_wait_minutes: Number
    help_request_timeout_minutes: Number


class AuditOut(Out):
    id: int
    at: Timestamp
    actor: str
    action: str
    entity: str
    entity_id: str | None
    ticket_id: int | None
    details: dict[str, Any]


class AuditList(Out):
    entries: list[AuditOut]


# ---- dossiers and the catalogue

class DossierReceipt(Out):
    """The answer to POST /api/dossiers: what the kiosk's slip needs, no personal data. A
    `declared` dossier has no reception time and no appointment yet."""
    code: str
    status: str
    declared_at: Timestamp
    received_at: Timestamp | None = Field(description="when an officer received the papers (Tiếp nhận)")
    appointment_date: Day | None
    appointment_at: str | None = Field(None, description="appointment date and hour, local ISO with offset")
    procedure_code: str
    procedure_name_vi: str
    procedure_name_en: str
    local_ref: str | None
    public_token: str | None = Field(None, description="the slip's unguessable reference: its QR and URL "
                                     "(/d/{public_token}); the only key the unauthenticated look-up answers for")


class DossierStep(Out):
    status: str
    at: Timestamp
    note: str | None = Field(None, description="staff only")
    actor: str | None = Field(None, description="staff only")


class DossierOut(DossierReceipt):
    """Anyone holding the slip's token: the receipt plus citizen_note, updated_at and history. A
    kiosk also gets masked_id (a kiosk's list by ID card: codes, procedures and statuses only);
    staff get every field below, `note` (staff's internal note) included."""
    citizen_note: str | None = Field(None, description="the note written for the citizen")
    note: str | None = Field(None, description="staff only: the internal note")
    updated_at: Timestamp
    history: list[DossierStep]
    missing_documents: list[str] = Field(default_factory=list, description="asked for with more_documents")
    masked_id: str | None = Field(None, description="kiosks and staff")
    id: int | None = Field(None, description="staff only, as are the fields below")
    applicant: dict[str, Any] | None = None
    fields: dict[str, Any] | None = None
    day: Day | None = None
    kiosk_id: str | None = None
    volunteer_code: str | None = None
    purged_at: Timestamp | None = None
    next_statuses: list[str] | None = None
    procedure_name: str | None = None
    received_by: str | None = Field(None, description="the receiving officer's display name")
    received_by_user: str | None = None
    documents_received: list[str] | None = None
    sets: int | None = None
    official_code: str | None = Field(None, description="the province's code once known (api/connector.py)")
    delivery: dict[str, Any] | None = Field(None, description="staff only: the hand-off (api/connector.py)")
    forms: list[str] | None = Field(None, description="staff only: the official forms that apply now "
                                    "(GET /api/dossiers/{code}/forms/{form}.pdf)")


class DossierList(Out):
    dossiers: list[DossierOut]
    stale_days: int | None = Field(None, description="staff: the office's stale_declared_days")


class DossierStats(Out):
    """Dossiers declared on the days from..to (by the code's day) and how many an officer received."""
    from_: Day | None = Field(None, alias="from")
    to: Day | None
    declared: int
    received: int = Field(description="received by an officer, whatever their status is now")
    received_share: float | None = Field(description="received / declared; null when none declared")
    by_status: dict[str, int]


class ProcedureOut(Out):
    """One catalogue entry. The typed keys are the ones kiosk.domain.catalogue.check_catalogue
    requires with these types; the others are optional and passed on as stored."""
    code: str
    name_vi: str
    name_en: str
    field_code: str = Field(description="A-F, the catalogue's fields")
    field_vi: str
    field_en: str
    documents: list[dict[str, Any]] = Field(description="each {vi, en, original_required}")
    processing_days: int = Field(description="working days; the appointment date counts them")
    processing_text_vi: str
    processing_text_en: str
    fee_text_vi: str
    fee_text_en: str
    fully_online: bool
    handover_vi: str
    handover_en: str
    legal_basis: list[Any]
    sources: list[Any]
    form_schema: dict[str, Any] = Field(description="JSON Schema of the form (an applicant group plus fields)")
    fee_vnd: int | None = Field(None, description="null: free or depends on the case")
    name_official_vi: Any = None
    authority_vi: Any = None
    detail_vi: Any = None
    processing_detail: Any = None
    fee_detail: Any = None
    fee_rule: Any = Field(None, description='e.g. {"per_unit": ...}: price times a form field')
    online_note: Any = None
    in_person: bool | None = Field(None, description="done only at the counter: the kiosk offers to prepare and take a number")
    in_person_vi: Any = None
    in_person_en: Any = None
    source_date: Any = Field(None, description="when the entry's sources were read (YYYY-MM-DD)")
    unverified: Any = Field(None, description="keys of the entry not checked at source")


class CatalogueOut(Out):
    """The whole catalogue in the shape of assets/data/procedures.json (kiosks keep a copy)."""
    procedures: list[ProcedureOut]
    version: int | None = None
    status_date: Day | None = Field(None, description="the date the procedures' status was checked")
    compiled: Day | None = None
    review_before: Day | None = None
    notes: list[Any] | None = None
    sources: list[Any] | None = None
    fields: list[Any] | None = Field(None, description="the fields (lĩnh vực) A-F with their names")


# ---- volunteers and help requests

class VolunteerBrief(Out):
    code: str
    name: str
    first_name: str = Field(description="what a kiosk shows of the person coming")


class VolunteerLogin(Out):
    volunteer: VolunteerBrief


class VolunteerOut(Out):
    id: int
    code: str
    code_display: str
    badge: str = Field(description="the badge's QR payload")
    name: str
    first_name: str
    active: bool
    created_at: Timestamp
    pin: str | None = Field(None, description="only when made or changed, once")


class VolunteerList(Out):
    volunteers: list[VolunteerOut]


class HelpRequestOut(Out):
    """No personal data: which kiosk and screen, the state, and the first name of who is coming."""
    id: int
    kiosk_id: str
    kiosk_name: str
    screen: str
    status: str
    created_at: Timestamp
    taken_at: Timestamp | None
    taker: str | None
    closed_at: Timestamp | None
    closed_reason: str | None
    overdue_at: Timestamp
    overdue: bool
    mine: bool = Field(description="the caller took it")


class HelpRequestList(Out):
    day: Day
    server_time: Timestamp
    timeout_minutes: float
    help_requests: list[HelpRequestOut]


class FigureRow(Out):
    day: Day
    volunteer_code: str
    volunteer_name: str
    citizens_helped: int
    tickets_with_help: int
    dossiers_with_help: int
    help_requests_answered: int
    median_minutes_to_take: float | None


class VolunteerStats(Out):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    first: Day = Field(alias="from")
    last: Day = Field(alias="to")
    rows: list[FigureRow]
    totals: dict[str, int]
