"""kiosk.system.sdnotify against a real datagram socket standing in for systemd's NOTIFY_SOCKET."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import pytest

from kiosk.system import sdnotify


def _receiver(address):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(5)
    return sock


def _drain(sock) -> list[str]:
    """Everything queued on the socket right now."""
    out = []
    sock.setblocking(False)
    try:
        while True:
            out.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    finally:
        sock.settimeout(5)
    return out


@pytest.fixture
def path_socket(tmp_path, monkeypatch):
    path = str(tmp_path / "notify.sock")
    sock = _receiver(path)
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    yield sock
    sock.close()


@pytest.fixture
def abstract_socket(monkeypatch):
    name = f"kiosk-test-{uuid.uuid4().hex}"
    sock = _receiver(b"\0" + name.encode())
    monkeypatch.setenv("NOTIFY_SOCKET", "@" + name)
    yield sock
    sock.close()


def test_ready_and_watchdog_reach_a_path_socket(path_socket):
    assert sdnotify.ready() is True
    assert sdnotify.watchdog_ping() is True
    assert sdnotify.stopping() is True
    assert [path_socket.recv(4096) for _ in range(3)] == [b"READY=1", b"WATCHDOG=1", b"STOPPING=1"]


def test_ready_and_watchdog_reach_an_abstract_socket(abstract_socket):
    assert sdnotify.ready() is True
    assert sdnotify.watchdog_ping() is True
    assert abstract_socket.recv(4096) == b"READY=1"
    assert abstract_socket.recv(4096) == b"WATCHDOG=1"


def test_status_is_one_line_in_utf8(path_socket):
    # A newline would let the text smuggle in another KEY=value for systemd.
    assert sdnotify.status("Đang chờ\nREADY=1  máy in") is True
    assert path_socket.recv(4096).decode() == "STATUS=Đang chờ READY=1 máy in"
    assert sdnotify.status("  \n ") is False


def test_everything_is_a_noop_outside_systemd(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    assert sdnotify.ready() is False
    assert sdnotify.watchdog_ping() is False
    assert sdnotify.stopping() is False
    assert sdnotify.status("ok") is False
    assert sdnotify.watchdog_interval() is None


def test_a_socket_that_is_gone_does_not_raise(tmp_path, monkeypatch):
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "no-such.sock"))
    assert sdnotify.ready() is False
    monkeypatch.setenv("NOTIFY_SOCKET", "vsock:2:1234")
    assert sdnotify.ready() is False


@pytest.mark.parametrize(
    ("usec", "pid", "expected"),
    [
        ("30000000", None, 30.0),
        ("30000000", "self", 30.0),
        ("30000000", "other", None),
        ("0", None, None),
        ("nonsense", None, None),
        (None, None, None),
    ],
)
def test_watchdog_interval(monkeypatch, usec, pid, expected):
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    if usec is not None:
        monkeypatch.setenv("WATCHDOG_USEC", usec)
    if pid == "self":
        monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    elif pid == "other":
        monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    assert sdnotify.watchdog_interval() == expected


def test_a_frozen_ui_thread_stops_the_pings(path_socket):
    """The watchdog pings come from the UI loop, so a handler that hangs silences them."""
    freeze = threading.Event()
    frozen = threading.Event()
    thaw = threading.Event()
    stop = threading.Event()

    def ui_loop():  # a stand-in for Kivy's Clock: tick, run what is due, sleep
        while not stop.is_set():
            sdnotify.watchdog_ping()
            if freeze.is_set():
                freeze.clear()
                frozen.set()
                thaw.wait()  # a stuck event handler: the loop does not come back
            time.sleep(0.01)

    ui = threading.Thread(target=ui_loop, daemon=True)
    ui.start()
    try:
        before = [path_socket.recv(4096) for _ in range(3)]
        assert before == [b"WATCHDOG=1"] * 3

        freeze.set()
        assert frozen.wait(5)
        _drain(path_socket)  # pings sent before the freeze took hold
        path_socket.settimeout(0.5)  # many ping periods; generous, not a speed goal
        with pytest.raises(TimeoutError):
            path_socket.recv(4096)

        thaw.set()  # once the UI runs again, so do the pings
        path_socket.settimeout(5)
        assert path_socket.recv(4096) == b"WATCHDOG=1"
    finally:
        stop.set()
        thaw.set()
        ui.join(5)
