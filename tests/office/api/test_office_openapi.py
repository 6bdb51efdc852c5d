"""/openapi.json documents what each route returns: every JSON call the kiosk client makes has a
response schema with its fields, no /api route is left without a declared answer, and real answers
carry exactly the fields their schema declares."""

import datetime as dt
import re
import warnings
from pathlib import Path

import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

import kiosk.link.client
from kiosk.office.app import create_app
from kiosk.office.settings import OfficeSettings
from office_testing import Clock, demo_sqlite

KIOSK = {"Authorization": "Bearer demo-kiosk-key"}

# Routes under /api that answer something other than a JSON object, so have no response model.
NOT_JSON = {
    ("GET", "/api/events"),  # server-sent events (text/event-stream)
    ("GET", "/api/admin/volunteer-stats.csv"),  # a CSV download
    ("GET", "/api/dossiers/{code}/forms/{form}.pdf"),  # a PDF form
    ("GET", "/api/reports/export.csv"),  # the report as CSV
    ("GET", "/api/reports/export.xlsx"),  # the report as an Excel workbook
    ("GET", "/api/reports/monthly.pdf"),  # the month's report for the ward's leaders, A4
    ("GET", "/api/ward/logo.png"),  # the ward's logo (PNG)
}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("openapi")
    url = demo_sqlite(tmp_path_factory.getbasetemp(), base / "office.db")
    return create_app(OfficeSettings(database_url=url, demo=True),
                      clock=Clock(dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.timezone.utc)))


@pytest.fixture(scope="module")
def spec(app):
    return app.openapi()


def client_calls() -> set[tuple[str, str]]:
    """(method, path) of every call in kiosk/link/client.py, path parameters as {}."""
    source = Path(kiosk.link.client.__file__).read_text(encoding="utf-8")
    calls = re.findall(r'_request\(\s*"([A-Z]+)",\s*f?"(/api/[^"]*)"', source)
    assert len(calls) >= 15, "the client's calls were not found; update this pattern"
    return {(method, re.sub(r"\{[^}]*\}", "{}", path)) for method, path in calls}


def route_of(spec, method: str, path: str) -> tuple[str, dict]:
    for template, ops in spec["paths"].items():
        if re.sub(r"\{[^}]*\}", "{}", template) == path and method.lower() in ops:
            return template, ops[method.lower()]
    raise AssertionError(f"{method} {path} is not in /openapi.json")


def resolve(spec, schema: dict) -> dict:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def json_schemas(spec, op: dict) -> list[dict]:
    """The JSON schemas of the operation's 2xx answers (204 has none)."""
    out = []
    for code, answer in op["responses"].items():
        if code.startswith("2") and code != "204":
            schema = answer.get("content", {}).get("application/json", {}).get("schema")
            out.append(resolve(spec, schema) if schema else {})
    return out


def test_every_kiosk_call_has_a_response_schema_with_its_fields(spec):
    for method, path in sorted(client_calls()):
        template, op = route_of(spec, method, path)
        schemas = json_schemas(spec, op)
        assert schemas, f"{method} {template} declares no answer"
        for schema in schemas:
            assert schema.get("properties"), f"{method} {template} answers an object without fields: {schema}"


def test_every_api_route_declares_its_answer(spec):
    missing = []
    for template, ops in spec["paths"].items():
        if not template.startswith("/api/"):
            continue
        for method, op in ops.items():
            if (method.upper(), template) in NOT_JSON:
                continue
            schemas = json_schemas(spec, op)
            if not schemas or not all(s.get("properties") for s in schemas):
                missing.append(f"{method.upper()} {template}")
    assert missing == []
    for method, template in NOT_JSON:  # the exceptions are still routes
        assert method.lower() in spec["paths"][template]


def declared(spec, schema: dict) -> set[str]:
    return set(resolve(spec, schema).get("properties", {}))


def item_schema(spec, schema: dict, key: str) -> dict:
    prop = resolve(spec, schema)["properties"][key]
    for option in prop.get("anyOf", [prop]):
        if option.get("type") == "array":
            return resolve(spec, option["items"])
        if "$ref" in option:
            return resolve(spec, option)
    raise AssertionError(f"{key} is neither a list nor an object")


def check_fields(spec, method: str, route: str, body: dict, nested: tuple[str, ...] = ()) -> None:
    """The answer's keys are the schema's properties (optional ones may be absent)."""
    _, op = route_of(spec, method, route)
    schema = json_schemas(spec, op)[0]
    props = declared(spec, schema)
    assert set(body) <= props, f"{method} {route}: undeclared {set(body) - props}"
    required = set(resolve(spec, schema).get("required", []))
    assert required <= set(body), f"{method} {route}: missing {required - set(body)}"
    for key in nested:
        inner = item_schema(spec, schema, key)
        for item in body[key] if isinstance(body[key], list) else [body[key]]:
            assert set(item) <= set(inner["properties"]), f"{method} {route} {key}: {set(item) - set(inner['properties'])}"
            assert set(inner.get("required", [])) <= set(item)


def test_real_answers_carry_exactly_the_declared_fields(app, spec):
    with TestClient(app) as c:
        def call(method, path, json=None, headers=KIOSK, nested=(), status=None, route=None):
            r = c.request(method, path, json=json, headers=headers)
            assert r.status_code == (status or r.status_code) and r.status_code < 300, r.text
            route = route or re.sub(r"/\d+(?=/|$)", "/{}", path.split("?")[0])
            check_fields(spec, method, route, r.json(), nested)
            return r.json()

        call("GET", "/api/health")
        call("GET", "/api/services", nested=("services",))
        t = call("POST", "/api/tickets", {"service": "ho-tich", "idempotency_key": "oa-1", "priority": "elderly"},
                 status=201)
        call("POST", "/api/tickets", {"service": "ho-tich", "idempotency_key": "oa-1", "priority": "elderly"},
             status=200)
        call("GET", f"/api/tickets/{t['id']}")
        call("POST", f"/api/tickets/{t['id']}/print-result", {"printed": True})
        call("POST", f"/api/tickets/{t['id']}/reprint")
        call("GET", f"/api/public/tickets/{t['public_token']}", route="/api/public/tickets/{}")
        call("POST", "/api/kiosks/kiosk-1/heartbeat", {"printer": {"online": True, "paper": "ok"}},
             route="/api/kiosks/{}/heartbeat")
        catalogue = call("GET", "/api/procedures", nested=("procedures",))
        proc = catalogue["procedures"][0]["code"]
        call("GET", f"/api/procedures/{proc}", route="/api/procedures/{}")
        call("POST", "/api/volunteers/session", {"pin": "1234"})
        h = call("POST", "/api/help-requests", {"screen": "form"}, status=201)
        call("GET", f"/api/help-requests/{h['id']}")
        call("POST", f"/api/help-requests/{h['id']}/close")
        call("GET", "/api/dossiers?id_number=079090001234&confirm=1234", nested=("dossiers",))

        login = call("POST", "/api/auth/login", {"username": "admin", "password": "admin-demo"}, headers={},
                     nested=("user",))
        staff = {"Authorization": f"Bearer {login['token']}"}
        call("GET", "/api/queue", headers={}, nested=("services", "counters"))
        call("GET", "/api/counters", headers=staff, nested=("counters",))
        called = call("POST", "/api/counters/1/call-next", headers=staff)
        call("POST", f"/api/tickets/{called['id']}/finish", headers=staff)
        call("GET", "/api/tickets", headers=staff, nested=("tickets",))
        call("GET", "/api/kiosks", headers=staff, nested=("kiosks",))
        call("GET", "/api/me", headers=staff)
        for path, key in (("services", "services"), ("counters", "counters"), ("users", "users"),
                          ("kiosks", "kiosks"), ("volunteers", "volunteers")):
            call("GET", f"/api/admin/{path}", headers=staff, nested=(key,))
        call("GET", "/api/admin/settings", headers=staff)
        call("GET", "/api/admin/audit", headers=staff, nested=("entries",))
        call("GET", "/api/admin/volunteer-stats", headers=staff)
        created = call("POST", "/api/admin/volunteers", {"name": "Trần Văn Bảo"}, headers=staff, status=201)
        assert "pin" in created
        changed = call("PATCH", f"/api/admin/volunteers/{created['id']}", {"name": "Trần Văn Bảo Anh"}, headers=staff)
        assert "pin" not in changed  # an optional field a view leaves out stays out
        call("GET", "/api/help-requests?status=closed", headers=staff, nested=("help_requests",))
        call("POST", "/api/auth/logout", headers=staff)
