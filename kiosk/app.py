"""The Kivy application: the composition root and the shell of the kiosk.

It builds the screens (lazily), the citizen session, the worker jobs and the flow objects of
kiosk/flows/, and wires them: flows reach the UI only through the small `Shell` port this class
implements (navigation, notices, timers, dialogs). What stays here is the shell's own work:
lockdown, the idle watch and its dialog, the card dialog, scanner intake, language.

With kiosk/runner.py (which starts it) and kiosk/kivy_setup.py, the only module of `kiosk` that
imports Kivy. Screens and .kv rules call the flows as attributes (`app.ticket.take(code)`).
Blocking work runs through `Jobs` on worker threads and its results come back through
Clock.schedule_once. Nothing here blocks a frame.
"""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path
from typing import Any, Callable

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import DEFAULT_FONT, LabelBase
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import AliasProperty, BooleanProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager
from kivy.uix.scrollview import ScrollView

from devices.printer import NullPrinter
from devices.scanner import NullScanner
from kiosk import i18n, kivy_setup
from kiosk.config import Settings
from kiosk.domain import cccd, scan
from kiosk.domain.session import CitizenSession
from kiosk.domain.ward import fill_ward
from kiosk.flows.assist import AssistFlow
from kiosk.flows.base import Kiosk
from kiosk.flows.catalogue import CatalogueFlow
from kiosk.flows.dossier import DossierFlow
from kiosk.flows.lookup import LookupFlow
from kiosk.flows.ticket import TicketFlow
from kiosk.flows.upkeep import UpkeepFlow
from kiosk.framerate import FrameRate
from kiosk.idle import IdleWatch
from kiosk.paths import FONTS, ROOT
from kiosk.system import sdnotify
from kiosk.system.jobs import Jobs
from kiosk.voice import Voice, spell_number

log = logging.getLogger(__name__)

# name -> (module, class). One .py and one .kv per screen, registered in one table.
SCREENS: dict[str, tuple[str, str]] = {
    "home": ("screens.home", "HomeScreen"),
    "service": ("screens.service", "ServiceScreen"),
    "ticket": ("screens.ticket", "TicketScreen"),
    "procedures": ("screens.procedures", "ProceduresScreen"),
    "procedure": ("screens.procedure", "ProcedureScreen"),
    "consent": ("screens.consent", "ConsentScreen"),
    "form": ("screens.form", "FormScreen"),
    "review": ("screens.review", "ReviewScreen"),
    "dossier_result": ("screens.dossier_result", "DossierResultScreen"),
    "lookup": ("screens.lookup", "LookupScreen"),
}
# name -> (module, class) of the dialogs flows open through Shell.open_dialog
DIALOGS: dict[str, tuple[str, str]] = {
    "pin": ("screens.dialogs.pin", "PinDialog"),
    "priority": ("screens.dialogs.priority", "PriorityDialog"),
    "search": ("screens.dialogs.search", "SearchDialog"),
}
# Intents from the home screen -> first screen of the flow.
FLOWS: dict[str, str] = {"take_number": "service", "submit_dossier": "procedures", "lookup": "lookup"}
SHARED_KV = ("screens/widgets/common.kv", "screens/dialogs/idle.kv", "screens/dialogs/card.kv",
             "screens/dialogs/priority.kv", "screens/dialogs/search.kv", "screens/dialogs/pin.kv")


KEY_ESCAPE, KEY_F1, KEY_F4 = 27, 282, 285
NOTICE_SECONDS = 12
# After a screen change, touches are ignored this long: the second half of a double tap must not
# press whatever button the new screen has in the same place (e.g. "Xong" under "Gửi hồ sơ").
TAP_GUARD_SECONDS = 0.4


def _post(fn: Callable[[], None]) -> None:
    """Run fn on the UI thread at the next frame (safe to call from any thread)."""
    Clock.schedule_once(lambda _dt: fn(), 0)


def _back_to_defaults(screen: Any) -> None:
    """What a screen's reset() leaves to its widgets: every list back at its top (a fling under way
    stopped), every on-screen keyboard back to its first layout without shift."""
    from screens.widgets.vnkeyboard import VNKeyboard

    for widget in screen.walk(restrict=True):
        if isinstance(widget, ScrollView):
            for effect in (widget.effect_x, widget.effect_y):
                if effect is not None:
                    effect.velocity = 0
                    effect.is_manual = False
            widget.scroll_x, widget.scroll_y = 0, 1
            if widget.effect_x is not None:
                widget.effect_x.value = 0
            if widget.effect_y is not None:
                widget.effect_y.value = widget.effect_y.max  # as ScrollView keeps it for scroll_y = 1
        elif isinstance(widget, VNKeyboard):
            widget.shift = False
            widget.layout = "digits" if widget.input_type == "digits" else "letters"


def _kiosk_part(name: str) -> property:
    """An App attribute that is the shared Kiosk's part, so flows see a part swapped at run time."""
    return property(lambda self: getattr(self.kiosk, name), lambda self, value: setattr(self.kiosk, name, value))


class KioskApp(App):
    lang = StringProperty(i18n.DEFAULT)
    ward_name = StringProperty("")  # the top bar: the office's identity (kiosk.domain.ward), else the config's
    ward_department = StringProperty("")
    notice = StringProperty("")  # one plain sentence in a yellow band, cleared after a while
    volunteer_band = StringProperty("")  # "Tình nguyện viên: NAME đang hỗ trợ" in assisted mode
    portrait = BooleanProperty(False)  # the window is taller than wide: .kv rules stack what sits side by side
    voice_on = BooleanProperty(False)  # the kiosk can speak: the "Nghe hướng dẫn" button shows
    # "Chữ to": larger text and higher contrast for this citizen's session; .kv rules multiply
    # sp() by text_scale (Metrics.fontscale would not re-run rules already applied)
    large_text = BooleanProperty(False)

    def _text_scale(self) -> float:
        from screens.widgets import theme

        return theme.LARGE_TEXT if self.large_text else 1.0

    text_scale = AliasProperty(_text_scale, None, bind=("large_text",), cache=True)

    # no Kivy settings panel on F1: nothing on a kiosk may open it
    use_kivy_settings = False

    client = _kiosk_part("client")
    printer = _kiosk_part("printer")
    outbox = _kiosk_part("outbox")
    sender = _kiosk_part("sender")
    public_base_url = _kiosk_part("public_base_url")
    catalogue = _kiosk_part("catalogue")
    services = _kiosk_part("services")

    def __init__(self, settings: Settings, *, client: Any = None, printer: Any = None, scanner: Any = None,
                 outbox: Any = None, sender: Any = None, public_base_url: str = "", voice: Voice | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings
        self.session = CitizenSession(
            idle_timeout=settings.display.idle_timeout, idle_countdown=settings.display.idle_countdown
        )
        self.jobs = Jobs(_post)
        self.idle = IdleWatch(self.session, later=self.later, every=self.every, ask=self._ask_still_there,
                              expire=self.end_session,
                              watching=lambda: self.session.in_use or self.current() not in ("", "home"),
                              held=lambda: self.assist.waiting_for_help)
        d = settings.display  # full rate while in use, idle_fps on an untouched screen (kiosk/framerate.py)
        self.frame_rate = FrameRate(full=d.maxfps, idle=d.idle_fps, idle_after=d.idle_fps_after,
                                    set_fps=kivy_setup.set_max_fps, later=self.later)
        self.kiosk = Kiosk(settings, self.session, self.jobs, client=client,
                           printer=printer if printer is not None else NullPrinter(),
                           outbox=outbox, sender=sender, public_base_url=public_base_url)
        self.scanner = scanner if scanner is not None else NullScanner(self.scanner_frame, self.scanner_state)
        self.scanner_status = "unknown"
        self.lang = settings.display.language
        self.show_ward(self.kiosk.ward)
        self.voice = voice if voice is not None else Voice.silent("no voice given (tests, tools)")
        self.voice_on = self.voice.available
        self.title = "motcua-kiosk"
        self._stopped = False
        self._notice_event = None
        self._home_event = None
        self._card_dialog = None
        self._screen_changed_at = 0.0
        self._layout_for: tuple | None = None  # (density, portrait) the screens were built for

        # The flows, wired here: none imports another; what one needs of another is handed in.
        self.assist = AssistFlow(self.kiosk, self)
        self.upkeep = UpkeepFlow(self.kiosk, self, scanner_state=lambda: {
            "state": self.scanner_status, "kind": self.scanner.kind})
        self.ticket = TicketFlow(self.kiosk, self, volunteer_code=self.assist.volunteer_code)
        self.dossier = DossierFlow(self.kiosk, self, volunteer_code=self.assist.volunteer_code,
                                   take_number_in_field=self.ticket.take_for_field)
        self.procedures = CatalogueFlow(self.kiosk, self, ensure_catalogue=self.upkeep.ensure_catalogue,
                                        start_dossier=self.dossier.start,
                                        take_number_in_field=self.ticket.take_for_field)
        self.lookup = LookupFlow(self.kiosk, self)
        self.flows = (self.assist, self.upkeep, self.procedures, self.ticket, self.dossier, self.lookup)
        # what a scanned receipt or volunteer badge does
        self.scan_handlers: dict[str, Callable[[Any], None]] = {
            "dossier": self.lookup.scanned_receipt, "volunteer": self.assist.scanned_badge}

    # ---- building --------------------------------------------------------------------
    def build(self) -> ScreenManager:
        self._register_font()
        import screens.widgets.common  # noqa: F401  (registers shared widget classes with Kivy's Factory)
        import screens.widgets.vnkeyboard  # noqa: F401

        for kv in SHARED_KV:
            Builder.load_file(str(ROOT / kv))
        self._layout_for = self._fit_window()
        Window.bind(size=lambda *_args: self.relayout())
        sm = ScreenManager(transition=NoTransition())
        sm.add_widget(self._load_class(*SCREENS["home"])(name="home"))
        return sm  # the other screens are built the first time they are needed: a faster start

    def _fit_window(self) -> tuple:
        """dp and sp, and the arrangement (landscape or portrait), for the window as it is now."""
        from screens.widgets import theme

        density = theme.fit(Window)
        self.portrait = theme.portrait(Window)
        return density, self.portrait

    def relayout(self) -> None:
        """The window changed size (a display rotated, a test's resize): when its density or its
        orientation changed, the screens are built anew for it, from the home screen (sizes in
        dp are pixels once a screen is built)."""
        layout = self._fit_window()
        if layout == self._layout_for or self.root is None:
            return
        self._layout_for = layout
        self.end_session()
        manager = self.root
        for screen in list(manager.screens):
            manager.remove_widget(screen)
        manager.add_widget(self._load_class(*SCREENS["home"])(name="home"))
        manager.current = "home"

    def screen(self, name: str) -> Any:
        """The screen called NAME, built (with its .kv) on first use."""
        if not self.root.has_screen(name):
            module, cls = SCREENS[name]
            self.root.add_widget(self._load_class(module, cls)(name=name))
        return self.root.get_screen(name)

    @staticmethod
    def _load_class(module: str, cls: str) -> type:
        """A screen's or dialog's class, its .kv (beside its .py) loaded on first use."""
        mod = importlib.import_module(module)
        kv = Path(mod.__file__).resolve().with_suffix(".kv")
        if str(kv) not in Builder.files:
            Builder.load_file(str(kv))
        return getattr(mod, cls)

    @staticmethod
    def _register_font() -> None:
        regular, bold = FONTS / "Roboto-Regular.ttf", FONTS / "Roboto-Bold.ttf"
        if regular.exists():  # bundled copy, so the kiosk and the printer use the same font
            LabelBase.register(DEFAULT_FONT, str(regular), fn_bold=str(bold) if bold.exists() else None)

    def open_settings(self, *largs: Any) -> bool:  # F1 and the settings key do nothing
        return False

    # ---- lifecycle -------------------------------------------------------------------
    def on_start(self) -> None:
        Window.clearcolor = (1, 1, 1, 1)
        Window.bind(on_keyboard=self._on_keyboard, on_request_close=self._on_request_close)
        Window.bind(on_touch_down=self._on_touch, on_key_down=self._on_key_activity)
        self._bind_keyboard_scanner()
        self.scanner.start()
        kivy_setup.install_frame_rate(self.frame_rate)
        self.frame_rate.start()
        Clock.schedule_once(self._after_first_frame, 0)
        self.upkeep.start()
        interval = sdnotify.watchdog_interval()
        if interval:
            # Pinged from the UI thread's clock: a frozen UI stops the pings and systemd restarts us.
            Clock.schedule_interval(lambda _dt: sdnotify.watchdog_ping(), interval / 2)

    def _after_first_frame(self, _dt: float) -> None:
        sdnotify.ready()

    def on_stop(self) -> None:
        # Kivy may dispatch on_stop twice (App.stop then run()'s own _stop): do the work once.
        if self._stopped:
            return
        self._stopped = True
        sdnotify.stopping()
        try:
            self.scanner.stop()
        except Exception:  # a dying device must not block shutdown
            log.exception("scanner stop failed")
        if self.sender is not None:
            self.sender.stop(timeout=2.0)
        self.jobs.shutdown()
        self.voice.close()
        self.session.wipe()

    def request_stop(self) -> None:
        """From a signal handler: stop at the next frame (App.stop must run on the UI thread)."""
        Clock.schedule_once(lambda _dt: self.stop(), 0)

    # ---- lockdown --------------------------------------------------------------------
    def _on_keyboard(self, _window: Any, key: int, _scancode: int, _codepoint: str, modifiers: list) -> bool:
        if key in (KEY_ESCAPE, KEY_F1) or (key == KEY_F4 and "alt" in modifiers):
            return True  # swallowed: nothing leaves the kiosk from the keyboard
        return False

    def _on_request_close(self, *_args: Any, **_kwargs: Any) -> bool:
        return True  # window close / Alt+F4 ignored; signals are handled by kiosk.system.signals

    # ---- language and notices -------------------------------------------------------
    def t(self, key: str, lang: str | None = None, **values: Any) -> str:
        """Text for kv rules: `app.t("home.title", app.lang)` re-evaluates when lang changes.
        {department}, {ward}, {address}, {phone}, {hours} are the ward's (kiosk.domain.ward)."""
        if values:
            return i18n.tr(key, lang or self.lang, **{**self.kiosk.ward.placeholders(), **values})
        return fill_ward(i18n.tr(key, lang or self.lang), self.kiosk.ward)

    def show_ward(self, ward: Any) -> None:
        self.ward_name, self.ward_department = ward.name, ward.department

    def keyboard_labels(self, ok_key: str, lang: str | None = None) -> dict[str, str]:
        """Captions of the on-screen keyboard's action keys, in the UI language."""
        t = lambda key: self.t(key, lang)  # noqa: E731
        return {"space": t("kb.space"), "ok": t(ok_key), "backspace": t("kb.backspace"),
                "shift": t("kb.shift"), "digits": "123", "letters": "ABC"}

    def switch_language(self) -> None:
        self.set_language(i18n.other(self.lang))
        self.activity()
        self.speak_screen()  # the same guidance, now in the citizen's language

    def set_language(self, lang: str) -> None:
        if lang == self.lang:
            return
        self.lang = lang
        for screen in self.root.screens:
            if hasattr(screen, "on_lang_change"):
                screen.on_lang_change()

    def toggle_large_text(self) -> None:
        """The "Chữ to" switch: flips mid-screen, keeping the session (kv rules re-evaluate)."""
        self.large_text = not self.large_text
        self.activity()

    def show_notice(self, text: str, seconds: float = NOTICE_SECONDS) -> None:
        self.notice = text
        self.say(text)  # errors and faults are said too: not every citizen reads the band
        if self._notice_event is not None:
            self._notice_event.cancel()
        self._notice_event = Clock.schedule_once(lambda _dt: setattr(self, "notice", ""), seconds)

    def clear_notice(self) -> None:
        self.notice = ""

    def set_volunteer_band(self, text: str) -> None:
        self.volunteer_band = text

    # ---- timers and dialogs for the flows (the Shell port) ---------------------------------
    def later(self, seconds: float, fn: Callable[[], None]) -> Any:
        return Clock.schedule_once(lambda _dt: fn(), seconds)

    def every(self, seconds: float, fn: Callable[[], None]) -> Any:
        return Clock.schedule_interval(lambda _dt: fn(), seconds)

    def open_dialog(self, name: str, **values: Any) -> Any:
        """Open the dialog called name. Its `on_*` callbacks are Kivy events, whose handlers get
        the dialog first: flows get only the values."""
        cls = self._load_class(*DIALOGS[name])
        for key, fn in values.items():
            if key.startswith("on_"):
                values[key] = lambda _dialog, *args, fn=fn: fn(*args)
        return cls(**values).show()

    # ---- the voice (kiosk/voice) -------------------------------------------------------
    def say(self, text: str) -> None:
        """Speak text in the UI language, cutting what was being said; never waits."""
        self.voice.say(text, self.lang)

    def speak_screen(self) -> None:
        """The current screen's one-sentence guidance ("Nghe hướng dẫn" says it again)."""
        if self.current():
            self.say(self.prompt_for(self.current()))

    def prompt_for(self, name: str) -> str:
        if name == "ticket":  # the number and where to wait: what a citizen must not miss
            screen = self.screen("ticket")
            return self.t("voice.ticket", number=spell_number(screen.number), counters=screen.counters)
        return self.t(f"voice.{name}")

    # ---- navigation ------------------------------------------------------------------
    def current(self) -> str:
        return self.root.current if self.root is not None else ""

    def go(self, name: str) -> None:
        self.screen(name)
        changed = self.root.current != name
        if changed:
            self.notice = ""  # a notice belongs to the screen it was shown on
            self._screen_changed_at = time.monotonic()
        self.root.current = name
        self.activity()
        if changed and name != "home":  # home speaks only when asked: an idle lobby kiosk keeps quiet
            self.speak_screen()  # a new screen cuts the previous prompt

    def start_flow(self, flow: str) -> None:
        screen = FLOWS.get(flow)
        if screen is None:
            self.show_notice(self.t("notice.not_available"))
            return
        self.go(screen)
        enter = {"take_number": self.ticket.enter, "submit_dossier": self.procedures.enter,
                 "lookup": self.lookup.enter}
        enter[flow]()

    # ---- touches, the idle watch (kiosk/idle.py), the end of a session -------------------
    def tap_guard_active(self) -> bool:
        return time.monotonic() - self._screen_changed_at < TAP_GUARD_SECONDS

    def _on_touch(self, *_args: Any) -> bool:
        self.activity()
        return self.tap_guard_active()  # True swallows the touch; otherwise it goes on to the widgets

    def _on_key_activity(self, *_args: Any) -> bool:
        self.activity()
        return False

    def activity(self) -> None:
        """A citizen did something: restart the idle clock, full frame rate."""
        self.frame_rate.activity()
        self.idle.activity()

    def _ask_still_there(self, seconds: int, on_continue: Callable[[], None], on_end: Callable[[], None]) -> Any:
        from screens.dialogs.idle import IdleDialog

        self.say(self.t("idle.question"))
        return IdleDialog(seconds=seconds, on_continue=lambda _d: on_continue(),
                          on_end=lambda _d: on_end()).show()

    def end_session(self) -> None:
        """Wipe everything the citizen entered and return to the home screen."""
        self.idle.stop()
        self._dismiss_card()
        if self._home_event is not None:
            self._home_event.cancel()
            self._home_event = None
        self.session.wipe()
        for flow in self.flows:  # their dialogs, timers, the volunteer band, an open help request
            flow.reset()
        for screen in self.root.screens:
            screen.reset()
            _back_to_defaults(screen)
        # the next citizen starts in the configured language, whatever this one chose
        self.set_language(self.settings.display.language)
        self.large_text = False  # and with the usual text size
        self.notice = ""
        self.root.current = "home"
        log.info("session ended and wiped")

    def end_session_after(self, seconds: float) -> None:
        """Back home after a ticket or a dossier's result has been on show for seconds."""
        if self._home_event is not None:
            self._home_event.cancel()
        self._home_event = Clock.schedule_once(lambda _dt: self.end_session(), seconds)

    # ---- scanner ---------------------------------------------------------------------
    def scanner_frame(self, text: str) -> None:
        """Called by the scanner's reader thread: hand the frame to the UI thread."""
        _post(lambda: self.on_scan(text))

    def _bind_keyboard_scanner(self) -> None:
        """A keyboard-mode (HID) scanner types into the window: feed it what arrives while no
        text field has the focus, and let the wedge tell a scanner burst from a person."""

        def focused() -> bool:
            from kivy.uix.textinput import TextInput

            return any(isinstance(w, TextInput) and w.focus for c in Window.children for w in c.walk())

        def on_text(_window: Any, text: str) -> None:
            feed = getattr(self.scanner, "feed_text", None)
            if feed is not None and not focused():
                feed(text)

        def on_key(_window: Any, key: int, *_args: Any) -> None:
            feed = getattr(self.scanner, "feed_key", None)
            if feed is not None and not focused():
                feed(key)

        Window.bind(on_textinput=on_text, on_key_down=on_key)

    def scanner_state(self, state: str, detail: str = "") -> None:
        """Called by the scanner's reader thread when it connects, drops or reconnects."""
        _post(lambda: setattr(self, "scanner_status", state))

    def on_scan(self, text: str) -> None:
        """A frame from any scanner, on the UI thread. A card starts or refreshes the session, or
        fills the form being filled; a queue ticket shows its place in the queue; anything else
        that is not ours says, in plain words, what to do and changes nothing."""
        self.activity()
        result = scan.classify(text)
        log.info("scan: %r", result)  # ScanResult's repr holds at most a masked id
        if result.kind == "id_card" and "text_lost_diacritics" in result.citizen.warnings:
            # a keyboard-mode scanner dropped the Vietnamese letters: the name would be wrong
            # on every form, so the card is not used; staff must switch the scanner's mode
            self.show_notice(self.t("notice.scanner_serial_mode"))
        elif result.kind == "id_card" and self.dossier.form_open():
            # for the form's applicant: used once confirmed; "Không phải tôi" leaves the form as it was,
            # and a form already holding someone else's details says so before they are replaced
            citizen = result.citizen
            replacing = self.dossier.would_replace_applicant(citizen)
            self._show_card(citizen, replacing=replacing,
                            on_confirm=lambda: self._card_for_form(citizen), on_reject=self._card_kept_form)
        elif result.kind == "id_card":
            self.session.set_citizen(result.citizen)
            self._show_card(result.citizen)
            if self.root.current == "service":
                self.ticket.offer_priority()
            self.dossier.card_scanned(result.citizen)  # fills the form's applicant fields
            self.lookup.card_scanned(result.citizen)  # lists the card's dossiers
        elif result.kind == "ticket":
            self.scan_handlers.get("ticket", self.lookup.scanned_ticket)(result)
        elif result.kind in ("volunteer", "dossier") and result.kind in self.scan_handlers:
            self.scan_handlers[result.kind](result)
        elif cccd.needs_serial_mode(text):
            self.show_notice(self.t("notice.scanner_serial_mode"))
        elif result.partial:  # a card read only in part: not "this is not a card"
            self.show_notice(self.t("scan.partial"))
        elif result.kind == "invalid_id":  # a whole card frame with a field that cannot be right
            self.show_notice(result.reason(self.lang))
        else:
            self.show_notice(self.t("scan.not_card"))

    def _card_for_form(self, citizen: Any) -> None:
        """The card was confirmed while a form is being filled: it becomes the form's applicant
        (the session goes on: replacing an applicant the citizen agreed to replace is no new citizen)."""
        self._dismiss_card()
        self.session.citizen = citizen
        self.activity()
        self.dossier.card_scanned(citizen)

    def _card_kept_form(self) -> None:
        """'Không phải tôi' while a form is being filled: the card is dropped, the form stays."""
        self._dismiss_card()
        self.activity()

    def _show_card(self, citizen: Any, *, replacing: bool = False, on_confirm: Callable[[], None] | None = None,
                   on_reject: Callable[[], None] | None = None) -> None:
        from screens.dialogs.card import CardDialog

        self._dismiss_card()  # a second scan replaces the dialog
        warnings = [cccd.warning_text(w, self.lang) for w in citizen.warnings]
        notes = [self.t("card.replace")] if replacing else []
        if warnings:
            notes.append(self.t("card.warning", warning="; ".join(warnings)))
        confirm, reject = on_confirm or self._card_confirmed, on_reject or self._card_rejected
        self._card_dialog = CardDialog(
            name=citizen.display_name,
            masked_id=citizen.masked_id(),
            dob=citizen.date_of_birth.strftime("%d/%m/%Y"),
            address=citizen.address,
            warning="\n".join(notes),
            replacing=replacing,
            on_confirm=lambda _d: confirm(),
            on_reject=lambda _d: reject(),
        ).show()

    def _card_confirmed(self) -> None:
        self._dismiss_card()
        self.activity()

    def _card_rejected(self) -> None:
        """'Không phải tôi': forget the card that was just scanned."""
        self._dismiss_card()
        self.session.citizen = None
        self.activity()

    def _dismiss_card(self) -> None:
        if self._card_dialog is not None:
            self._card_dialog.close()
            self._card_dialog = None

