"""Demo data for `kiosk serve --demo` and `kiosk demo`: services A–F, counters 1–3, a kiosk, users."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.domain.contract import VOLUNTEER_BADGE_PREFIX
from kiosk.office.operations import auth
from kiosk.office.operations import configuration, ratings
from kiosk.office.operations.context import Ctx
from kiosk.office.operations.volunteers import DEMO_VOLUNTEER, seed_demo_volunteer
from kiosk.office.storage.models import Counter, Service, User

# A ward's counters since 1 July 2025 (short names that fit the kiosk's buttons). The codes are
# stable keys in existing databases and reports: D keeps "lao-dong-xa-hoi" although the field is
# now "Văn hóa – Xã hội" (social protection and people with meritorious service).
DEMO_SERVICES = [
    ("ho-tich", "A", "Hộ tịch", "Civil status"),
    ("chung-thuc", "B", "Chứng thực", "Certification"),
    ("dat-dai", "C", "Đất đai – Xây dựng", "Land and building"),
    ("lao-dong-xa-hoi", "D", "Văn hóa – Xã hội", "Culture and social affairs"),
    ("khac", "E", "Khác", "Other"),
    ("ho-kinh-doanh", "F", "Hộ kinh doanh", "Household business"),
]
DEMO_COUNTERS = [(1, ["ho-tich", "chung-thuc"]), (2, ["dat-dai", "lao-dong-xa-hoi", "ho-kinh-doanh"]),
                 (3, [code for code, *_ in DEMO_SERVICES])]
DEMO_KIOSK = ("kiosk-1", "demo-kiosk-key")
DEMO_RATING_KEYS = {1: "demo-rate-1", 2: "demo-rate-2", 3: "demo-rate-3"}  # counter number -> device key
DEMO_USERS = [("admin", "admin-demo", "admin", "Quản trị viên"),
              ("canbo1", "canbo1-demo", "staff", "Nguyễn Văn An"),
              ("canbo2", "canbo2-demo", "staff", "Trần Thị Bình")]


@lru_cache(maxsize=None)
def _demo_hash(password: str) -> str:
    return auth.hash_password(password)  # argon2 is slow on purpose; the demo hashes once per process


def seed_demo(s: Session, ctx: Ctx) -> bool:
    """Insert whatever demo rows are missing; True when anything was added."""
    added = False
    for i, (code, prefix, vi, en) in enumerate(DEMO_SERVICES):
        if s.scalar(select(Service).where(Service.code == code)) is None:
            configuration.create_service(s, ctx, {"code": code, "prefix": prefix, "name_vi": vi, "name_en": en,
                                          "active": True, "sort_order": i})
            added = True
    for number, codes in DEMO_COUNTERS:
        if s.scalar(select(Counter).where(Counter.number == number)) is None:
            configuration.create_counter(s, ctx, number, f"Quầy {number}", codes)
            added = True
    auth.register_kiosk(s, *DEMO_KIOSK, name="Kiosk sảnh")
    for number, key in DEMO_RATING_KEYS.items():
        counter = s.scalar(select(Counter).where(Counter.number == number))
        if counter is not None and counter.active and ratings.device_for_key(s, key) is None:
            ratings.set_device_key(s, ctx, counter.id, key)
    added |= seed_demo_volunteer(s, ctx)  # to try assisted mode with
    for username, password, role, full_name in DEMO_USERS:
        if s.scalar(select(User).where(User.username == username)) is None:
            configuration.create_user(s, ctx, username, password, role, full_name,
                              password_hash=_demo_hash(password))
            added = True
    return added


def demo_credentials_text(base_url: str) -> str:
    lines = [f"Demo office service at {base_url}",
             f"  kiosk id {DEMO_KIOSK[0]}, API key {DEMO_KIOSK[1]}"]
    lines += [f"  rating device of counter {n}: {base_url}/rate/{n}, device key {k}"
              for n, k in DEMO_RATING_KEYS.items()]
    lines += [f"  user {u} / password {p} ({r})" for u, p, r, _ in DEMO_USERS]
    lines += [f"  volunteer {DEMO_VOLUNTEER[1]}: badge {VOLUNTEER_BADGE_PREFIX}{DEMO_VOLUNTEER[0]}, PIN {DEMO_VOLUNTEER[2]}"]
    lines += ["  counters: 1 (A, B), 2 (C, D), 3 (all)",
              "  services: " + ", ".join(f"{p} {vi}" for _, p, vi, _ in DEMO_SERVICES)]
    return "\n".join(lines)
