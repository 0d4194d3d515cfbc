"""Scorecard: the overall score and readiness, five dimensions, metrics, hard fails,
suggestions with quote / why / try instead, and the transcript with each volunteer turn's
codes. Every quote and line of the call is shown literally."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from simulator.scoring.model import DIMENSIONS
from simulator.tui.bindings import localize_bindings
from simulator.tui.widgets.bar import bar_text, level_style
from simulator.tui.widgets.turn_line import codes_text, literal
from simulator.vocabulary import volunteer_turn_number

if TYPE_CHECKING:
    from simulator.codes import Lang
    from simulator.persona import Persona
    from simulator.scoring.model import Scorecard
    from simulator.session import SessionRecord
    from simulator.tui.app import CallsimApp

READINESS_STYLE = {"ready": "bold green", "almost": "bold yellow", "not_yet": "bold red"}
BAR_WIDTH = 20


def explained(record: SessionRecord, card: Scorecard, ui_lang: Lang) -> Scorecard:
    """`card` with its suggestions explained (`why`) in the interface language `ui_lang`.

    A scorecard is made in the call's language. When the interface speaks another, the call is
    scored again with `ui_lang`; its suggestions are used only when everything else agrees
    with `card` (a call saved under an older rubric keeps its own scorecard as it was)."""
    if ui_lang == record.lang or not card.suggestions:
        return card
    from simulator.scoring.scorecard import score_session

    again = score_session(record, ui_lang=ui_lang)
    if again.model_dump(exclude={"suggestions"}) != card.model_dump(exclude={"suggestions"}):
        return card
    if [(s.turn, s.try_instead) for s in again.suggestions] != [
        (s.turn, s.try_instead) for s in card.suggestions
    ]:
        return card
    return again


class ScorecardScreen(Screen[None]):
    """The assessment of one ended call."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "call_again", "Call again"),
        Binding("p", "pick_another", "Another respondent"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, persona: Persona, record: SessionRecord) -> None:
        super().__init__()
        self.persona = persona
        self.record = record
        self._explained: Scorecard | None = None

    @property
    def callsim(self) -> CallsimApp:
        """The app, typed."""
        return cast("CallsimApp", self.app)

    @property
    def scorecard(self) -> Scorecard:
        """The call's scorecard (the call has ended, so it is there), explained in the
        interface language (see `explained`)."""
        if self._explained is None:
            assert self.record.scorecard is not None
            self._explained = explained(self.record, self.record.scorecard, self.callsim.ui_lang)
        return self._explained

    def compose(self) -> ComposeResult:
        """One scrollable page, most important first."""
        yield Header()
        with VerticalScroll(id="scorecard"):
            yield from self.card_sections()
            yield from self.transcript_section()
        yield Footer()

    def card_sections(self) -> ComposeResult:
        """Headline, hard fails, dimensions, metrics and suggestions."""
        app = self.callsim
        yield Static(self._headline(), id="headline")
        if self.scorecard.hard_fails:
            yield Static(app.t("score.hard_fails"), classes="section-title -bad")
            yield Static(self._hard_fails(), id="hard-fails")
        if self.scorecard.blockers:
            yield Static(app.t("score.blockers"), classes="section-title -bad")
            yield Static(self._blockers(), id="blockers")
        yield Static(app.t("score.dimensions"), classes="section-title")
        yield Static(self._dimensions(), id="dimensions")
        yield Static(app.t("score.metrics"), classes="section-title")
        yield Static(self._metrics(), id="metrics")
        yield Static(app.t("score.suggestions"), classes="section-title")
        yield Static(self._suggestions(), id="suggestions")

    def transcript_section(self) -> ComposeResult:
        """The transcript with each volunteer turn's codes."""
        yield Static(self.callsim.t("score.transcript"), classes="section-title")
        yield Static(self._transcript(), id="score-transcript")

    def on_mount(self) -> None:
        """Title and footer labels in the interface language."""
        app = self.callsim
        self.title = app.t("score.title", name=self.persona.name.get(app.ui_lang))
        self.sub_title = app.t("mode." + self.record.mode)
        localize_bindings(
            self,
            app.ui_lang,
            {
                "call_again": "key.call_again",
                "pick_another": "key.pick_another",
                "app.quit": "key.quit",
            },
        )
        self.query_one("#scorecard").focus()

    # -- sections --------------------------------------------------------------------------

    @property
    def gender(self) -> str:
        """The respondent's grammatical gender, `unknown` for a reviewed call whose persona is
        not on this machine."""
        return getattr(self.persona, "gender", None) or "unknown"

    def turn_label(self, index: int) -> str:
        """The turn at `index` (into all turns, as in the SPEC JSON) as the volunteer counts it:
        "Your turn 3"; a respondent line as the reply to one."""
        turns = self.record.turns
        number = volunteer_turn_number(turns, index)
        if 0 <= index < len(turns) and turns[index].speaker == "volunteer":
            return self.callsim.t("score.turn", turn=number)
        if number:
            return self.callsim.t("score.reply_to", turn=number)
        return self.callsim.t("score.greeting")

    def _headline(self) -> Text:
        app, card = self.callsim, self.scorecard
        text = Text(app.t("score.overall", overall=card.overall), style="bold")
        text.append("  ")
        text.append(app.t("readiness." + card.readiness), READINESS_STYLE[card.readiness])
        text.append("\n")
        outcome = "score.outcome.hung_up" if card.outcome.hung_up else "score.outcome.stayed"
        text.append(app.t(f"{outcome}.{self.gender}") + " ")
        text.append(
            app.t("score.outcome.openness", value=f"{card.outcome.final_openness:.2f}"),
            style="dim",
        )
        shortest = _min_volunteer_turns()
        if 0 < card.metrics.volunteer_turns < shortest:
            text.append("\n" + app.t("score.too_short", n=shortest), style="yellow")
        return text

    def _hard_fails(self) -> Text:
        text = Text()
        for fail in self.scorecard.hard_fails:
            text.append(self.turn_label(fail.turn) + " ", style="bold red")
            text.append(f"‹{self.callsim.t('code.' + fail.code)}› ", style="red")
            text.append(f"«{literal(fail.quote)}»\n")
        text.rstrip()
        return text

    def _blockers(self) -> Text:
        """The rule, then each turn that keeps the call from ready."""
        text = Text(self.callsim.t("score.blockers.why") + "\n", style="dim")
        for blocker in self.scorecard.blockers:
            text.append(self.turn_label(blocker.turn) + " ", style="bold red")
            text.append(f"‹{self.callsim.t('code.' + blocker.code)}› ", style="red")
            text.append(f"«{literal(blocker.quote)}»\n")
        text.rstrip()
        return text

    def _dimensions(self) -> Text:
        app = self.callsim
        labels = {d: app.t("dimension." + d) for d in DIMENSIONS}
        pad = max(len(label) for label in labels.values())
        text = Text()
        for dim in DIMENSIONS:
            score = self.scorecard.dimensions[dim].score
            text.append(labels[dim].ljust(pad) + " ")
            text.append_text(bar_text(score / 100, BAR_WIDTH, level_style(score / 100)))
            text.append(f" {score:3d}\n")
        text.rstrip()
        return text

    def _metrics(self) -> Text:
        app, m = self.callsim, self.scorecard.metrics
        ratio = "—" if m.reflection_to_question is None else f"{m.reflection_to_question:.2f}"
        rows = (
            ("volunteer_turns", str(m.volunteer_turns)),
            ("open_questions", str(m.open_questions)),
            ("reflections", str(m.reflections)),
            ("reflection_to_question", ratio),
            ("volunteer_talk_share", f"{m.volunteer_talk_share:.0%}"),
        )
        labels = [app.t("score.metric." + key) for key, _ in rows]
        pad = max(len(label) for label in labels)
        text = Text()
        for label, (_, value) in zip(labels, rows, strict=True):
            text.append(label.ljust(pad) + "  ")
            text.append(value + "\n", style="bold")
        text.rstrip()
        return text

    def _suggestions(self) -> RenderableType:
        """Each suggestion: the quoted turn, then why and what to try, each wrapping under its
        own text rather than under the label."""
        app = self.callsim
        if not self.scorecard.suggestions:
            return Text(app.t("score.none"), style="dim")
        why, try_instead = app.t("score.why") + ":", app.t("score.try_instead") + ":"
        parts: list[RenderableType] = []
        for i, s in enumerate(self.scorecard.suggestions):
            head = Text("\n" if i else "")
            head.append(self.turn_label(s.turn) + ": ", style="bold")
            head.append(f"«{literal(s.quote)}»", style="italic")
            grid = Table.grid(padding=(0, 1))
            grid.add_column(width=max(len(why), len(try_instead)) + 2, justify="right")
            grid.add_column()
            grid.add_row(Text(why, style="bold yellow"), Text(literal(s.why)))
            grid.add_row(Text(try_instead, style="bold green"), Text(f"«{literal(s.try_instead)}»"))
            parts += [head, grid]
        return Group(*parts)

    def _transcript(self) -> Text:
        app = self.callsim
        name = app.t("call.respondent." + self.gender)
        text = Text()
        number = 0
        for turn in self.record.turns:
            volunteer = turn.speaker == "volunteer"
            number += volunteer
            speaker = app.t("call.you") if volunteer else name
            text.append(f"{number:>2} " if volunteer else "   ", style="dim")
            text.append(f"{speaker}: ", style="bold cyan" if volunteer else "bold magenta")
            text.append(literal(turn.text) + "\n")
            if volunteer:
                text.append("   ")
                codes = [(c, app.t("code." + c)) for c in turn.codes or []]
                if codes:
                    text.append_text(codes_text(codes))
                else:
                    text.append(app.t("call.codes_none"), style="dim")
                text.append("\n")
        text.rstrip()
        return text

    # -- actions ---------------------------------------------------------------------------

    def action_call_again(self) -> None:
        """A new call with the same respondent."""
        self.callsim.start_call(self.persona)

    def action_pick_another(self) -> None:
        """Back to the list of respondents."""
        self.callsim.back_home()


def _min_volunteer_turns() -> int:
    """The rubric's shortest call that readiness is judged on (shorter ones are `not_yet`)."""
    from simulator.scoring.rubric import load_rubric

    return load_rubric().readiness.min_volunteer_turns
