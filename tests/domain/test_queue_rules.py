from datetime import date
from types import SimpleNamespace

from kiosk.domain.queue_rules import idempotency_key, offered_priority, service_for_field


def citizen(born):
    def age(on):
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))

    return SimpleNamespace(age=age)


def test_elderly_priority_from_the_sixtieth_birthday():
    assert offered_priority(citizen(date(1966, 11, 30)), date(2026, 11, 30)) == "elderly"
    assert offered_priority(citizen(date(1966, 12, 1)), date(2026, 11, 30)) is None
    assert offered_priority(None, date(2026, 11, 30)) is None


def test_same_choice_same_key_other_choice_other_key():
    data = {}
    k1 = idempotency_key(data, "ho-tich", None)
    assert idempotency_key(data, "ho-tich", None) == k1
    assert idempotency_key(data, "ho-tich", "elderly") != k1
    assert idempotency_key(data, "dat-dai", None) != k1
    assert idempotency_key({}, "ho-tich", None) != k1  # a new session gets new keys


def test_field_leads_to_service_by_code_or_prefix():
    services = [{"code": "ho-tich", "prefix": "A"}, {"code": "dat-dai", "prefix": "C"}]
    assert service_for_field(services, "A")["code"] == "ho-tich"
    assert service_for_field(services, "dat-dai")["prefix"] == "C"
    assert service_for_field(services, "Z") is None
