from types import SimpleNamespace

from kiosk.domain.session import CitizenSession, IdleState


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def card(id_number="079190000001", name="Trần Thị Bích"):
    return SimpleNamespace(id_number=id_number, full_name=name, masked_id=lambda: id_number[:3] + "******" + id_number[-3:])


def test_idle_states_follow_timeout_then_countdown():
    clock = FakeClock()
    s = CitizenSession(idle_timeout=60, idle_countdown=15, clock=clock)
    assert s.idle_state() is IdleState.ACTIVE
    clock.now += 61
    assert s.idle_state() is IdleState.ASKING
    assert s.seconds_left() == 14
    s.touch()
    assert s.idle_state() is IdleState.ACTIVE
    clock.now += 76
    assert s.idle_state() is IdleState.EXPIRED


def test_wipe_forgets_everything_and_renews_the_id():
    s = CitizenSession(clock=FakeClock())
    s.set_citizen(card())
    s.data["phone"] = "0901234567"
    old = s.id
    assert s.in_use
    s.wipe()
    assert not s.in_use and s.citizen is None and s.data == {} and s.id != old


def test_a_different_card_starts_a_fresh_session():
    s = CitizenSession(clock=FakeClock())
    s.set_citizen(card("079190000001"))
    s.data["form"] = {"x": 1}
    s.set_citizen(card("079190000001"))  # same person scanning again keeps their answers
    assert s.data == {"form": {"x": 1}}
    s.set_citizen(card("001290000002", "Lê Văn Cường"))
    assert s.data == {} and s.citizen.id_number == "001290000002"


def test_repr_never_shows_personal_data():
    s = CitizenSession(clock=FakeClock())
    s.set_citizen(card())
    s.data["phone"] = "0901234567"
    text = repr(s)
    assert "Trần" not in text and "079190000001" not in text and "0901234567" not in text
    assert "079******001" in text
