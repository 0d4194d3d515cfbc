"""Call: the volunteer types, the respondent's reply streams in from a thread worker.

The worker only iterates `Call.reply()` and posts each event; the handlers here, on the main
thread, own every widget. Input is locked while the respondent speaks; Esc stops the reply.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from simulator.errors import UserError
from simulator.tui.bindings import localize_bindings
from simulator.tui.messages import BackendFailed, BackendReady, ReplyFailed, ReplyProgress
from simulator.tui.widgets.mood_meter import MoodMeter
from simulator.tui.widgets.transcript import Transcript
from simulator.tui.widgets.turn_line import TurnLine

if TYPE_CHECKING:
    from simulator.engine.call import Call
    from simulator.llm.base import Backend
    from simulator.persona import Persona
    from simulator.session import EndedBy, Mode, Turn
    from simulator.tui.app import CallsimApp

LABELS = {
    "stop": "key.stop",
    "end_call": "key.end_call",
    "undo": "key.undo",
    "retry": "key.retry",
    "scorecard": "key.scorecard",
    "settings": "key.settings",
    "leave": "key.back",
}


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class CallScreen(Screen[None]):
    """One practice call with a persona."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop reply"),
        Binding("ctrl+t", "end_call", "End call", priority=True),
        Binding("ctrl+z", "undo", "Undo", priority=True),
        Binding("ctrl+r", "retry", "Retry reply", priority=True),
        Binding("enter", "scorecard", "Scorecard"),
        Binding("s", "settings", "Settings"),
        Binding("escape", "leave", "Back"),
    ]

    def __init__(self, persona: Persona) -> None:
        super().__init__()
        self.persona = persona
        self.call: Call | None = None
        self.connect_error: str | None = None
        self.replying = False
        self._partial: TurnLine | None = None
        self._partial_text = ""
        self._end_requested = False
        self._notice_shown = False

    # -- layout ----------------------------------------------------------------------------

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    @property
    def practice(self) -> bool:
        """Practice mode: mood meter, coach hint, codes and undo."""
        return self.callsim.settings.mode != "assessment"

    @property
    def respondent_name(self) -> str:
        """How the respondent is labelled: a role word that agrees with their gender, never the
        persona's display name (a caller dialling a random number does not know it)."""
        return self.callsim.t("call.respondent." + (self.persona.gender or "unknown"))

    def compose(self) -> ComposeResult:
        """Transcript (with the mood meter beside it in practice), hint, status, input."""
        app = self.callsim
        yield Header()
        with Horizontal(id="call-body"):
            yield Transcript(id="transcript")
            if self.practice:
                with Vertical(id="side"):
                    yield MoodMeter(id="mood")
        if self.practice:
            yield Static(id="coach")
        yield Static(app.t("call.connecting"), id="status")
        # Never disabled while the call may still go on: keys typed while connecting or while the
        # respondent speaks would be lost; a line sent too early stays in the box instead.
        yield Input(placeholder=app.t("call.placeholder"), id="say")
        yield Footer()

    def on_mount(self) -> None:
        """Connect to the model (in a worker, unless already connected)."""
        app = self.callsim
        mode = "practice" if self.practice else "assessment"
        self.title = app.t("call.title." + mode)
        self.sub_title = app.t("lang." + app.call_lang)
        localize_bindings(self, app.ui_lang, LABELS)
        self.query_one("#say", Input).focus()
        if app.backend is not None:
            self._begin(app.backend)
        else:
            self._connect()

    # -- connecting ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="connect")
    def _connect(self) -> None:
        app = self.callsim
        try:
            backend = app.backend_factory(app.settings)
            import simulator.coding  # noqa: F401  (loads the coder's lexicons off the UI thread)
        except Exception as exc:  # noqa: BLE001  any failure becomes one line on screen
            self.post_message(BackendFailed(_one_line(exc)))
            return
        self.post_message(BackendReady(backend))

    def on_backend_ready(self, message: BackendReady) -> None:
        """Remember the backend for later calls and pick up the phone."""
        self.callsim.backend = message.backend
        self._begin(message.backend)

    def on_backend_failed(self, message: BackendFailed) -> None:
        """Say plainly why the call cannot start."""
        self.connect_error = message.error
        self.query_one("#say", Input).disabled = True
        self._status(self.callsim.t("call.connect_failed", error=message.error), error=True)
        self.refresh_bindings()

    def _begin(self, backend: Backend) -> None:
        from simulator.engine.call import Call

        app = self.callsim
        mode: Mode = "practice" if self.practice else "assessment"
        try:
            self.call = Call(
                self.persona, app.call_lang, backend, store=app.store, mode=mode, seed=app.seed
            )
        except UserError as exc:  # the history cannot be written: the call does not start
            self.query_one("#say", Input).disabled = True
            self._status(_one_line(exc), error=True)
            return
        self._show_respondent(self.call.pick_up())
        self._show_state()
        self._unlock()
        self._warm_up(self.call)

    @work(thread=True, exit_on_error=False, group="warm")
    def _warm_up(self, call: Call) -> None:
        """Let the model read the persona while the volunteer types the first line."""
        call.warm_up()

    # -- the volunteer speaks --------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Record the volunteer's line and ask the respondent to answer."""
        call = self.call
        text = event.value.strip()
        if call is None or self.replying:
            # Typed ahead: the line waits in the box until the respondent can hear it.
            if text and self.connect_error is None:
                key = "call.wait_connecting" if call is None else "call.wait_speaking"
                self._status(self.callsim.t(key, name=self.respondent_name))
            return
        if call.ended or not text:
            return
        if call.awaiting_reply:
            self.action_retry()
            return
        try:
            turn = call.say(text)
        except ValueError as exc:  # e.g. a turn over the length limit: say so, keep the text
            self._status(_one_line(exc), error=True)
            return
        event.input.value = ""
        self._show_volunteer(turn)
        self._show_state()
        if self.practice:
            from simulator.engine.coach import coach_hint, takes_leave

            # The turn's own words too: a hint must not ask for what the line just did.
            leaving = takes_leave(turn.text, call.lang)
            hint = coach_hint(turn.codes or [], self.callsim.ui_lang, turn.text, leaving)
            line = Text(f"{self.callsim.t('call.coach')}: ", style="bold")
            line.append(hint)
            self.query_one("#coach", Static).update(line)
        self._start_reply()

    def _start_reply(self) -> None:
        assert self.call is not None
        self.replying = True
        self._lock(self.callsim.t("call.speaking", name=self.respondent_name))
        self._partial_text = ""
        self._partial = self.query_one(Transcript).add_turn(
            self.respondent_name, "…", kind="respondent"
        )
        self._reply(self.call)

    @work(thread=True, exclusive=True, exit_on_error=False, group="reply")
    def _reply(self, call: Call) -> None:
        from simulator.llm.base import BackendError

        worker = get_current_worker()
        try:
            for event in call.reply():
                self.post_message(ReplyProgress(event))
                if worker.is_cancelled:
                    call.cancel_reply()
        except BackendError as exc:
            self.post_message(ReplyFailed(_one_line(exc)))

    def on_reply_progress(self, message: ReplyProgress) -> None:
        """Stream the reply into the transcript."""
        from simulator.engine.events import (
            CallEnded,
            ReplyDiscarded,
            ReplyDone,
            ReplyStarted,
            ReplyToken,
        )

        event = message.event
        if isinstance(event, ReplyStarted) and event.attempt > 1:
            self._status(
                self.callsim.t("call.retrying", name=self.respondent_name, attempt=event.attempt)
            )
        elif isinstance(event, ReplyToken):
            self._partial_text += event.text
            if self._partial is not None:
                self._partial.set_text(self._partial_text)
        elif isinstance(event, ReplyDiscarded):
            self._partial_text = ""
            if self._partial is not None:
                self._partial.set_text("…")
        elif isinstance(event, ReplyDone):
            if self._partial is not None:
                self._partial.set_text(event.turn.text)
                self._partial = None
            self._show_state()
        elif isinstance(event, CallEnded):
            self._call_over(event.ended_by)

    def on_reply_failed(self, message: ReplyFailed) -> None:
        """The model failed mid-reply: say so; the volunteer may retry or end the call."""
        if self._partial is not None:
            self._partial.remove()
            self._partial = None
        self._status(self.callsim.t("call.backend_failed", error=message.error), error=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """When the reply worker stops, give the floor back to the volunteer."""
        if event.worker.group != "reply" or event.state not in (
            WorkerState.SUCCESS,
            WorkerState.ERROR,
            WorkerState.CANCELLED,
        ):
            return
        self.replying = False
        if event.state == WorkerState.ERROR and self._partial is not None:
            self.post_message(ReplyFailed(_one_line(event.worker.error or RuntimeError())))
        if self._end_requested and self.call is not None and not self.call.ended:
            self._finish_by_volunteer()
        elif self.call is not None and not self.call.ended:
            if not self.call.awaiting_reply:
                self._unlock()
            else:
                self.refresh_bindings()

    # -- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show only the keys that do something now."""
        call = self.call
        over = call is not None and call.ended
        if action == "stop":
            return self.replying
        if action == "leave":
            return not self.replying and (call is None or self.connect_error is not None)
        if action == "settings":
            return self.connect_error is not None
        if action == "undo":
            return self.practice and call is not None and not self.replying and not over
        if action == "retry":
            return call is not None and call.awaiting_reply and not self.replying
        if action == "end_call":
            return call is not None and not over
        if action == "scorecard":
            return over
        return True

    def action_stop(self) -> None:
        """Esc: stop the respondent mid-reply; what they said so far stands."""
        if self.call is not None and self.replying:
            self.call.cancel_reply()

    def action_leave(self) -> None:
        """Esc before the call started (e.g. the model failed): back to the briefing's caller."""
        self.callsim.back_home()

    def action_settings(self) -> None:
        """Open the settings (after the model failed to start)."""
        self.callsim.action_settings()

    def action_retry(self) -> None:
        """Ask the respondent again to answer the volunteer's last line."""
        if self.call is not None and self.call.awaiting_reply and not self.replying:
            self._start_reply()

    def action_undo(self) -> None:
        """Take back the volunteer's last line and the respondent's answer (practice)."""
        call = self.call
        if call is None or self.replying or not self.practice:
            return
        taken_back = next((t.text for t in reversed(call.turns) if t.speaker == "volunteer"), "")
        if not call.undo():
            self.notify(self.callsim.t("call.nothing_to_undo"))
            return
        self.query_one(Transcript).remove_from(len(call.turns))
        say = self.query_one("#say", Input)
        say.value = taken_back  # back in the box, to edit and send again
        say.cursor_position = len(taken_back)
        self._show_state()
        self.query_one("#coach", Static).update("")
        self._status(self.callsim.t("call.undone"))

    def action_end_call(self) -> None:
        """End the call now (after the respondent's current reply stops)."""
        call = self.call
        if call is None or call.ended:
            return
        if self.replying:
            self._end_requested = True
            call.cancel_reply()
            return
        self._finish_by_volunteer()

    def action_scorecard(self) -> None:
        """Show the scorecard of the ended call."""
        if self.call is not None and self.call.ended:
            self.call.end()
            self.callsim.show_scorecard((self.persona, self.call.record))

    # -- helpers ---------------------------------------------------------------------------

    def _finish_by_volunteer(self) -> None:
        assert self.call is not None
        self.call.end("volunteer")
        self.action_scorecard()

    def _call_over(self, ended_by: EndedBy) -> None:
        app = self.callsim
        notice = {
            "hangup": app.t("call.hung_up." + (self.persona.gender or "unknown")),
            "turn_limit": app.t("call.turn_limit"),
        }.get(ended_by, app.t("call.you_ended"))
        self.query_one(Transcript).add_turn("", f"— {notice} —", kind="notice")
        self.query_one("#say", Input).disabled = True
        self._status(app.t("call.over"))
        self.refresh_bindings()

    def _show_respondent(self, turn: Turn) -> None:
        self.query_one(Transcript).add_turn(self.respondent_name, turn.text, kind="respondent")

    def _show_volunteer(self, turn: Turn) -> None:
        codes = None
        if self.practice:
            codes = [(c, self.callsim.t("code." + c)) for c in turn.codes or []]
        self.query_one(Transcript).add_turn(
            self.callsim.t("call.you"), turn.text, kind="volunteer", codes=codes
        )

    def _show_state(self) -> None:
        if self.practice and self.call is not None:
            self.query_one(MoodMeter).show(self.call.state, self.call.mood, self.callsim.ui_lang)

    def _status(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(Text(text))
        status.set_class(error, "-error")

    def _lock(self, status: str) -> None:
        """The respondent has the floor; the volunteer may type ahead but not send."""
        self._status(status)
        self.refresh_bindings()

    def _unlock(self) -> None:
        say = self.query_one("#say", Input)
        say.disabled = False
        say.focus()
        self._status(self.callsim.t("call.your_turn"))
        store = self.call.store if self.call is not None else None
        if store is not None and store.write_error and not getattr(self, "_unsaved", False):
            self._unsaved = True  # say it once: the call goes on, but is not being saved
            self.notify(store.write_error, severity="warning", timeout=30, markup=False)
        self.refresh_bindings()
