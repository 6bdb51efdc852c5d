"""The idle frame rate, on the real app offscreen: frames drawn per second drop after the idle
delay, the first touch after it acts in the frame that reads it, and full rate is back at once."""

import time

import pytest

pytestmark = pytest.mark.ui


def frames_per_second(drv, seconds: float) -> float:
    """Run the app's own loop for `seconds` and count the frames it made (Kivy's Clock.frames)."""
    from kivy.clock import Clock

    start, t0 = Clock.frames, time.monotonic()
    while time.monotonic() - t0 < seconds:
        drv.frames(1)
    return (Clock.frames - start) / (time.monotonic() - t0)


def go_idle(drv) -> None:
    rate = drv.app.frame_rate
    drv.wait_until(lambda: rate.idle, timeout=rate.idle_after + 2)


def idle_frames_per_second(drv, seconds: float) -> float:
    """Frames per second once idle, over a window no background result fell into (the start-up
    jobs of the session's app, failing against an absent office, each wake it for a moment)."""
    rate = drv.app.frame_rate
    for _ in range(4):
        go_idle(drv)
        wakes = rate.wakes
        fps = frames_per_second(drv, seconds)
        if rate.wakes == wakes:
            return fps
    raise AssertionError("the app never stayed idle for a whole window")


@pytest.fixture
def quick_idle(kiosk_ui):
    """The idle delay cut to 0.6 s (5 s by default), the test's own frames at the app's rates."""
    rate = kiosk_ui.app.frame_rate
    saved = rate.idle_after
    rate.stop()  # its one timer was armed for the old delay
    rate.idle_after = 0.6
    rate.start()
    yield kiosk_ui
    rate.stop()
    rate.idle_after = saved
    rate.start()


def test_frame_rate_drops_when_untouched_and_comes_back_on_a_touch(quick_idle):
    from kivy.tests.common import UnitTestTouch

    drv = quick_idle
    app = drv.app
    assert app.frame_rate.full == 60 and app.frame_rate.idle_fps == 10
    busy = frames_per_second(drv, 0.4)
    idle = idle_frames_per_second(drv, 1.5)
    # Kivy's cap ends each sleep a little early (4/5 of 1/(3·fps) twice): "10 fps" runs at 10-14
    assert 6 <= idle <= 15, f"{idle:.1f} fps on an untouched screen (full: {busy:.1f})"
    assert busy >= 2.5 * idle, f"full rate {busy:.1f} fps, idle {idle:.1f}"

    touch = UnitTestTouch(5, 5)  # a touch on an empty corner of the home screen
    touch.touch_down()
    drv.frames(1)
    touch.touch_up()
    assert not app.frame_rate.idle
    again = frames_per_second(drv, 0.4)
    assert again >= 2.5 * idle, f"{again:.1f} fps after the touch, {idle:.1f} before"


def sdl_click(x: float, y: float) -> None:
    """A press and release at window point (x, y) put into SDL's event queue, where a touch screen's
    taps arrive (SDL turns them into mouse events): Kivy reads them only when its loop polls SDL."""
    import ctypes

    from kivy.core.window import Window

    paths = {ln.split()[-1] for ln in open("/proc/self/maps", encoding="utf-8") if "/libSDL2-" in ln}
    sdl = ctypes.CDLL(sorted(paths)[0])
    sdl.SDL_GL_GetCurrentWindow.restype = ctypes.c_void_p
    sdl.SDL_GetWindowID.argtypes = [ctypes.c_void_p]
    window_id = sdl.SDL_GetWindowID(sdl.SDL_GL_GetCurrentWindow())

    class MouseButton(ctypes.Structure):  # SDL_MouseButtonEvent, inside the 56-byte SDL_Event
        _fields_ = [("type", ctypes.c_uint32), ("timestamp", ctypes.c_uint32), ("windowID", ctypes.c_uint32),
                    ("which", ctypes.c_uint32), ("button", ctypes.c_uint8), ("state", ctypes.c_uint8),
                    ("clicks", ctypes.c_uint8), ("padding1", ctypes.c_uint8), ("x", ctypes.c_int32),
                    ("y", ctypes.c_int32), ("rest", ctypes.c_uint8 * 28)]

    for kind, state in ((0x401, 1), (0x402, 0)):  # SDL_MOUSEBUTTONDOWN, SDL_MOUSEBUTTONUP
        event = MouseButton(type=kind, windowID=window_id, button=1, state=state, clicks=1,
                            x=int(x), y=int(Window.height - y))
        assert sdl.SDL_PushEvent(ctypes.byref(event)) == 1


def loop_frame() -> None:
    """One turn of Kivy's own main loop (EventLoop.mainloop): a frame, then SDL's events read."""
    from kivy.base import EventLoop

    EventLoop.idle()
    EventLoop.window.mainloop()


def test_first_tap_after_idle_is_dispatched_by_the_next_frame_then_full_rate(quick_idle):
    drv = quick_idle
    app = drv.app
    button = drv.find("take_number")
    x, y = button.to_window(*button.center)
    rate = app.frame_rate
    for trial in range(2):  # the first also builds the service screen
        go_idle(drv)
        # the tap's full-rate spell lasts idle_after: long enough here that a slow first build of
        # the service screen (a loaded CI run) cannot use it up before the rate is measured
        rate.idle_after = 5.0
        loop_frame()
        sdl_click(x, y)  # a tap during the low-rate sleep
        t0 = time.monotonic()
        loop_frame()  # sleeps out its 100 ms, then reads the tap from SDL
        t1 = time.monotonic()
        assert t1 - t0 >= 0.06 and app.root.current == "home"  # still a low-rate frame: read, not yet acted on
        wakes = app.frame_rate.wakes
        loop_frame()  # dispatches it: no second low-rate sleep (that would be 100 ms more)
        waited = time.monotonic() - t1
        assert app.root.current == "service", "the first tap after idle did not press the button"
        assert app.frame_rate.wakes == wakes + 1  # its sleep did not begin: the tap was waiting
        if trial:
            assert waited < 0.05, f"the frame after the read took {1000 * waited:.0f} ms"
        assert not app.frame_rate.idle
        # measured on the new screen, after its slide: a CI run counted 13 fps here, either slow
        # slide frames (Mesa draws in software) or the 0.6 s spell spent on the first build
        drv.wait_until(lambda: not app.root.transition.is_active, timeout=3)
        assert not app.frame_rate.idle
        after = frames_per_second(drv, 0.3)
        assert after >= 30, f"{after:.1f} fps right after the first tap"
        app.end_session()
        drv.frames(2)
        rate.stop()  # back to the fixture's quick idle delay, with a timer armed for it
        rate.idle_after = 0.6
        rate.start()


def test_countdown_and_scan_still_work_at_the_idle_rate(quick_idle):
    drv = quick_idle
    app = drv.app
    go_idle(drv)
    # a scan is activity: read at once and full rate back
    t0 = time.monotonic()
    app.scanner_frame("079190000001||Trần Thị Bích|05031990|Nữ|12 Lê Lợi, phường Bến Thành|10052022\r")
    drv.wait_until(lambda: drv.has("card_confirm"))
    # bounded loosely: the first card dialog of a process is built cold, and a loaded CI run took
    # 2.3 s; the latency goal lives in bench/ (scan to screen p95 43 ms), here what matters is that
    # the scan is handled at the idle rate and brings the full rate back
    assert time.monotonic() - t0 < 4.0
    assert not app.frame_rate.idle
    # the "still there?" countdown ticks each second, at the idle rate too
    app.session.idle_timeout, app.session.idle_countdown = 0.8, 30
    drv.tap("card_confirm")
    drv.wait_until(lambda: drv.has("idle_continue"), timeout=5)
    go_idle(drv)
    dialog = next(w for w in drv.window.children if hasattr(w, "seconds"))
    first = dialog.seconds
    drv.wait_until(lambda: dialog.seconds <= first - 2, timeout=4)
    assert app.frame_rate.idle
    drv.tap("idle_continue")
    assert not app.frame_rate.idle and not drv.has("idle_continue")
