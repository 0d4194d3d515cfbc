"""One practice call: the volunteer speaks, the turn is coded once, the respondent's state moves,
and the respondent answers through the backend with every reply checked before it counts.

Every turn is committed to the store as it happens, so a crash loses no finished turn.
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Generator, Iterator
from datetime import UTC, datetime

from simulator.codes import Lang
from simulator.coding import code_utterance, detect_lang
from simulator.engine import reply_check
from simulator.engine.events import (
    CallEnded,
    ReplyDiscarded,
    ReplyDone,
    ReplyEvent,
    ReplyStarted,
    ReplyToken,
)
from simulator.engine.lore import KEY_SCORE, QUESTION_FLOOR, Match, lore_index, restates
from simulator.engine.move import (
    PROVOKED_WITHIN,
    PROVOKING,
    Move,
    MoveMemory,
    accepts_apology,
    apology_eases,
    asks_their_view,
    choose_move,
    goodbye_kind,
    on_the_war,
    tells_of_war_loss,
)
from simulator.engine.prompt import PromptBuilder
from simulator.engine.smalltalk import with_small_talk
from simulator.engine.state import apply_turn, hangs_up, initial_state, mood_for, moved
from simulator.errors import UserError
from simulator.limits import MAX_TURN_CHARS
from simulator.llm.base import Backend, BackendError, GenerationRequest
from simulator.persona import Mood, Persona
from simulator.scoring.model import Scorecard
from simulator.session import EndedBy, Mode, RespondentState, SessionRecord, Turn
from simulator.store import Store

DEFAULT_MAX_TURNS = 30
"""Volunteer turns after which the call ends with `turn_limit`."""
DEFAULT_ATTEMPTS = 3
"""Model attempts per reply before a persona fallback line is used."""
MAX_TOKENS = 60
CONTINUATION_TOKENS = 40
"""Most tokens the model may add after the engine's chosen line."""
CONTINUATION_RELEVANCE = 0.15
"""A model continuation must be at least this similar (sentence encoder cosine) to the chosen
line or to the volunteer's line; unrelated sentences score about 0.0-0.1, a sentence on the same
subject 0.2 and more."""
CHAT_MEANING = 0.5
"""An instruct model's own words for the chosen line must be at least this close to it."""
TALKATIVE_MOODS = ("neutral", "open")
"""Moods in which the model may add a sentence to the chosen line (guarded people say little)."""


VIEW_STANCE = "support_operation"
"""The stance that gives a persona's view of the war (`asks_their_view`)."""


class CallOver(Exception):
    """The volunteer spoke after the call had ended."""


class TurnTooLong(UserError, ValueError):
    """A volunteer turn over `limits.MAX_TURN_CHARS` (a one-line error naming the limit)."""


class Call:
    """A session in progress. Not thread-safe except `cancel_reply`, which any thread may call."""

    def __init__(
        self,
        persona: Persona,
        lang: Lang,
        backend: Backend,
        *,
        store: Store | None = None,
        mode: Mode = "practice",
        seed: int | None = None,
        max_turns: int = DEFAULT_MAX_TURNS,
        attempts: int = DEFAULT_ATTEMPTS,
        ui_lang: Lang | None = None,
    ) -> None:
        self.persona = with_small_talk(persona)
        """The persona, with the shared small talk it has no topic of its own for."""
        self.lang: Lang = lang
        self.backend = backend
        self.store = store
        self.max_turns = max_turns
        self.attempts = max(1, attempts)
        self.ui_lang: Lang | None = ui_lang
        """The volunteer's interface language: the scorecard explains itself in it."""
        self.seed = seed if seed is not None else random.randrange(1, 2**31)
        self._rng = random.Random(self.seed)
        self._prompt = PromptBuilder(persona, lang, backend.prompt_style)
        self._cancel = threading.Event()
        self.state: RespondentState = initial_state(persona.dynamics)
        self._history: list[RespondentState] = [self.state]
        self.record = SessionRecord(
            id=uuid.uuid4().hex[:12],
            persona=persona.id,
            lang=lang,
            model=backend.name,
            started_at=datetime.now(UTC).isoformat(timespec="seconds"),
            mode=mode,
        )
        if store is not None:
            store.save_session(self.record)

    # -- reading -----------------------------------------------------------------------------

    @property
    def turns(self) -> list[Turn]:
        """The call so far."""
        return self.record.turns

    @property
    def ended(self) -> bool:
        """Whether the call is over."""
        return self.record.ended_by is not None

    @property
    def mood(self) -> Mood:
        """The mood the respondent would answer in now."""
        return mood_for(self.state, self.persona.dynamics)

    @property
    def volunteer_turns(self) -> int:
        """How many times the volunteer has spoken."""
        return sum(1 for t in self.turns if t.speaker == "volunteer")

    @property
    def awaiting_reply(self) -> bool:
        """Whether the last turn is the volunteer's and the respondent has not answered yet."""
        return bool(self.turns) and self.turns[-1].speaker == "volunteer" and not self.ended

    # -- writing -----------------------------------------------------------------------------

    def _append(self, turn: Turn) -> Turn:
        self.record.turns.append(turn)
        if self.store is not None:
            self.store.append_turn(self.record.id, len(self.record.turns) - 1, turn)
        return turn

    def _respondent_turn(
        self, text: str, source: str, attempts: int | None = None, move: str | None = None
    ) -> Turn:
        return Turn(
            speaker="respondent",
            text=text,
            state=self.state,
            mood=self.mood,
            source=source,  # type: ignore[arg-type]
            attempts=attempts,
            move=move,
        )

    @property
    def has_lore(self) -> bool:
        """Whether the persona has lore for the engine to choose from (else the model speaks
        freely from the persona description, as for a minimal persona)."""
        lore = self.persona.lore
        return bool(lore.topics or lore.stances or lore.reactions)

    def pick_up(self) -> Turn:
        """The respondent answers the phone with one of the persona's opening lines."""
        if self.turns:
            raise RuntimeError("the respondent has already picked up")
        line = self._rng.choice(self.persona.opening_lines.get(self.lang))
        return self._append(self._respondent_turn(reply_check.normalise(line), "authored"))

    def warm_up(self) -> None:
        """Let the backend read the known start of the next prompt (the persona header and the
        call so far) while the volunteer is still typing, so the first reply starts as quickly
        as later ones. Blocks; run it off the UI thread. Backends without `warm` skip it, and a
        failure here is left for the reply itself to report."""
        from simulator.coding import HeadsError, bundled_coder
        from simulator.coding.encoder import warm_up as warm_encoder

        try:
            bundled_coder(self.lang)  # lexicon and heads read, so the first Enter does not wait
        except HeadsError:
            pass  # the volunteer's first turn reports it, in one line
        warm_encoder()
        if self.has_lore:
            lore_index(self.persona, self.lang)
        warm = getattr(self.backend, "warm", None)
        if warm is None or not self.turns or self.awaiting_reply or self.ended:
            return
        if self._prompt.style == "chat":
            request = GenerationRequest(messages=self._prompt.messages(self.turns, self.mood))
        else:
            request = GenerationRequest(prompt=self._prompt.volunteer_prefix(self.turns))
        try:
            warm(request)
        except BackendError:
            pass

    def say(self, text: str) -> Turn:
        """Record the volunteer's turn: coded once, stored, and the respondent's state moved."""
        if self.ended:
            raise CallOver("the call has ended")
        if self.awaiting_reply:
            raise RuntimeError("the respondent has not answered the last turn yet")
        clean = reply_check.normalise(text)
        if not clean:
            raise ValueError("empty turn")
        if len(clean) > MAX_TURN_CHARS:
            raise TurnTooLong(
                f"the turn is {len(clean):,} characters; a volunteer turn is at most "
                f"{MAX_TURN_CHARS:,} (say it in shorter turns)"
            )
        previous = next((t.text for t in reversed(self.turns) if t.speaker == "respondent"), None)
        # Coded in the language it is written in: a volunteer who slips into English on a
        # Russian call is still coded by what they said.
        coding = code_utterance(clean, detect_lang(clean), previous=previous)
        turn = Turn(
            speaker="volunteer",
            text=clean,
            codes=list(coding.codes),
            evidence={code: list(spans) for code, spans in coding.evidence.items()},
        )
        self._append(turn)
        self.state = apply_turn(self.state, coding.codes, self.persona.dynamics)
        if accepts_apology(clean, coding.codes, self.lang):
            # "Fine, let's leave it" is meant: an accepted apology takes back most of a jab's
            # irritation (`eases` in apology.yaml), not the trust it cost.
            self.state = moved(self.state, [apology_eases()])
        self._history.append(self.state)
        return turn

    def cancel_reply(self) -> None:
        """Stop the reply being generated (safe from any thread); what was said so far stands."""
        self._cancel.set()

    def reply(self) -> Iterator[ReplyEvent]:
        """The respondent answers the volunteer's last turn, streamed as events.

        Ends with `ReplyDone`, and with `CallEnded` when the respondent hung up or the turn
        limit was reached."""
        if not self.awaiting_reply:
            raise RuntimeError("nothing to answer")
        self._cancel.clear()
        dynamics = self.persona.dynamics
        if hangs_up(self.state, dynamics):
            line = self._rng.choice(self.persona.hangup_line.get(self.lang))
            turn = self._append(self._respondent_turn(reply_check.normalise(line), "authored"))
            yield ReplyDone(turn)
            self._finish("hangup")
            yield CallEnded("hangup")
            return
        if self.has_lore:
            turn = yield from self._voice(self.choose_move())
        else:
            turn = yield from self._generate()
        yield ReplyDone(turn)
        if self.volunteer_turns >= self.max_turns:
            self._finish("turn_limit")
            yield CallEnded("turn_limit")

    def choose_move(self) -> Move:
        """What the respondent will say to the volunteer's last turn (from the persona's lore)."""
        volunteer = self.turns[-1]
        said = [t for t in self.turns if t.speaker == "respondent"]
        memory = MoveMemory.of([t.text for t in said], [t.move for t in said])
        if said:
            memory.restated = restates(volunteer.text, said[-1].text)
        # A death the caller told of as their own story (not the dead of a lecture: "tens of
        # thousands killed, and for what?").
        memory.loss_told = any(
            "personal_story" in (t.codes or ()) and tells_of_war_loss(t.text, self.lang)
            for t in self.turns[:-1]
            if t.speaker == "volunteer"
        )
        # Whether the caller jabbed, blamed or lectured lately: an apology then takes back the
        # jab; without one it is for their own tears or the late hour.
        earlier = [t for t in self.turns[:-1] if t.speaker == "volunteer"][-PROVOKED_WITHIN:]
        memory.provoked = any(set(t.codes or ()) & PROVOKING for t in earlier)
        index = lore_index(self.persona, self.lang)
        matches = index.matches(volunteer.text)
        asked = {"open_question", "closed_question"} & set(volunteer.codes or ())
        if asked and not any(m.kind in ("topic", "stance") for m in matches):
            nearest = [
                m
                for m in index.matches(volunteer.text, QUESTION_FLOOR)
                if m.kind in ("topic", "stance")
            ]
            matches = matches + nearest[:1]
        # "What do you make of it, honestly?" after a turn or two on the war asks their view of
        # the war, whatever their last topic was.
        stances = {s.id for s in self.persona.lore.stances}
        if VIEW_STANCE in stances and asks_their_view(volunteer.text, self.lang):
            # ...but «...Макаревича иноагентом объявили... Вы сами-то что про это думаете?»
            # asks about what the turn itself names.
            now = on_the_war(volunteer.text, volunteer.codes or (), self.lang)
            if not now and any(on_the_war(t.text, t.codes or (), self.lang) for t in earlier):
                best = max((m.score for m in matches), default=0.0)
                matches = [Match("stance", VIEW_STANCE, best + KEY_SCORE, 1.0), *matches]
        return choose_move(
            self.persona,
            self.lang,
            tuple(volunteer.codes or ()),
            matches,
            self.mood,
            self.state,
            memory,
            self._rng,
            goodbye=goodbye_kind(volunteer.text, self.lang),
            line=volunteer.text,
        )

    def _voice(self, move: Move) -> Generator[ReplyEvent, None, Turn]:
        """Say the chosen line. Transcript style: the line word by word at once, then the model
        may add a sentence of its own (only in a talkative mood, and only when the sentence
        passes every check). Chat style (instruct models): the model is asked to say the line
        in its own words, and its version stands when it passes every check and keeps the
        line's meaning; otherwise the line itself is said."""
        line = reply_check.normalise(move.line)
        yield ReplyStarted(1)
        if self._prompt.style == "chat":
            own = self._chat_version(line)
            for piece in _pieces(own or line):
                yield ReplyToken(piece)
            source = "model" if own else "authored"
            return self._append(self._respondent_turn(own or line, source, 1, move.sources))
        for piece in _pieces(line):
            yield ReplyToken(piece)
        if (
            self.mood not in TALKATIVE_MOODS
            or move.follow
            or not self.backend.adds_sentences
            or self._cancel.is_set()
        ):
            return self._append(self._respondent_turn(line, "authored", 0, move.sources))
        addition = self._continuation(line)
        if not addition:
            return self._append(self._respondent_turn(line, "authored", 1, move.sources))
        for piece in _pieces(" " + addition):
            yield ReplyToken(piece)
        return self._append(self._respondent_turn(f"{line} {addition}", "model", 1, move.sources))

    def _generated(self, request: GenerationRequest) -> str:
        """The model's whole answer to `request`, cleaned; "" on a failure or a cancel."""
        text = ""
        try:
            stream = self.backend.stream(request)
            try:
                for piece in stream:
                    text += reply_check.clean(piece)
                    if self._cancel.is_set() or reply_check.early_problem(text):
                        return ""
            finally:
                stream.close()
        except BackendError:
            return ""
        return reply_check.normalise(text)

    def _fit(self, text: str, line: str) -> bool:
        """Whether model text may stand in the respondent's mouth this turn."""
        volunteer_lines = tuple(t.text for t in self.turns if t.speaker == "volunteer")
        recent = tuple(t.text for t in self.turns if t.speaker == "respondent")
        return not reply_check.problem(
            text,
            self.lang,
            self.turns[-1].text,
            recent,
            gender=self.persona.gender,
            volunteer_lines=volunteer_lines,
        ) and not any(text.lower() in t.lower() for t in recent)

    def _chat_version(self, line: str) -> str:
        """The model's own words for `line`, or "" when they are not fit or drift from it."""
        from simulator.coding.encoder import embed

        request = GenerationRequest(
            messages=self._prompt.voicing(self.turns, self.mood, line),
            max_tokens=MAX_TOKENS,
            temperature=0.7,
            stop=self._prompt.stop,
            seed=(self.seed + 7919 * len(self.turns)) % 2**31,
        )
        text = self._generated(request)
        if len(text.split()) < 2 or not self._fit(text, line):
            return ""
        vectors = embed([text, line])
        return text if float(vectors[0] @ vectors[1]) >= CHAT_MEANING else ""

    def _continuation(self, line: str) -> str:
        """One sentence the model adds after `line`, or "" when it has nothing fit to add."""
        from simulator.coding.encoder import embed

        request = GenerationRequest(
            prompt=f"{self._prompt.transcript(self.turns, self.mood)} {line}",
            max_tokens=CONTINUATION_TOKENS,
            temperature=0.7,
            stop=self._prompt.stop,
            seed=(self.seed + 7919 * len(self.turns)) % 2**31,
        )
        addition = _first_sentence(self._generated(request))
        if len(addition.split()) < 3:
            return ""
        if not self._fit(f"{line} {addition}", line) or not self._fit(addition, line):
            return ""
        vectors = embed([addition, line, self.turns[-1].text])
        if float(max(vectors[1:] @ vectors[0])) < CONTINUATION_RELEVANCE:
            return ""
        return addition

    def _request(self, attempt: int) -> GenerationRequest:
        turns, mood = self.turns, self.mood
        common = {
            "max_tokens": MAX_TOKENS,
            "temperature": 0.7 + 0.15 * (attempt - 1),
            "stop": self._prompt.stop,
            "seed": (self.seed + 7919 * len(turns) + attempt) % 2**31,
        }
        if self._prompt.style == "chat":
            return GenerationRequest(messages=self._prompt.messages(turns, mood), **common)  # type: ignore[arg-type]
        return GenerationRequest(prompt=self._prompt.transcript(turns, mood), **common)  # type: ignore[arg-type]

    def _generate(self) -> Generator[ReplyEvent, None, Turn]:
        volunteer_text = self.turns[-1].text
        recent = tuple(t.text for t in self.turns if t.speaker == "respondent")[-3:]
        gender = self.persona.gender
        volunteer_lines = tuple(t.text for t in self.turns if t.speaker == "volunteer")
        for attempt in range(1, self.attempts + 1):
            yield ReplyStarted(attempt)
            text, reason = "", None
            stream = self.backend.stream(self._request(attempt))
            try:
                for piece in stream:
                    piece = reply_check.clean(piece)
                    if not text:
                        piece = piece.lstrip()
                    if not piece:
                        continue
                    text += piece
                    reason = reply_check.early_problem(text)
                    if reason:
                        break
                    yield ReplyToken(piece)
                    if self._cancel.is_set():
                        break
            finally:
                stream.close()
            text = reply_check.normalise(text)
            checked = reason or reply_check.problem(
                text,
                self.lang,
                volunteer_text,
                recent,
                gender=gender,
                volunteer_lines=volunteer_lines,
            )
            if self._cancel.is_set() and not reason:
                if checked is None:
                    # A reply cut off mid-sentence trails off; one cut after a full stop does not.
                    shown = text if text[-1:] in ".!?…" else text + "…"
                    return self._append(self._respondent_turn(shown, "model", attempt))
                checked = "stopped"
            reason = checked
            if reason is None:
                source = "model" if attempt == 1 else "retry"
                return self._append(self._respondent_turn(text, source, attempt))
            yield ReplyDiscarded(reason)
            if self._cancel.is_set():
                break
        return self._append(
            self._respondent_turn(self._fallback_line(recent), "fallback", self.attempts)
        )

    def _fallback_line(self, recent: tuple[str, ...]) -> str:
        lines = self.persona.fallback_lines.get(self.mood).get(self.lang)
        fresh = [line for line in lines if reply_check.normalise(line) not in recent] or lines
        return reply_check.normalise(self._rng.choice(fresh))

    def undo(self) -> bool:
        """Take back the volunteer's last turn and the respondent's answer (practice mode).

        Returns False when there is nothing to undo or the call has ended."""
        if self.ended or self.record.mode != "practice":
            return False
        idx = max((i for i, t in enumerate(self.turns) if t.speaker == "volunteer"), default=None)
        if idx is None:
            return False
        del self.record.turns[idx:]
        self._history.pop()
        self.state = self._history[-1]
        if self.store is not None:
            self.store.truncate_turns(self.record.id, idx)
        return True

    def _finish(self, ended_by: EndedBy) -> None:
        from simulator.scoring.scorecard import score_session

        self.record.ended_by = ended_by
        self.record.scorecard = score_session(self.record, ui_lang=self.ui_lang)
        if self.store is not None:
            self.store.finish_session(self.record.id, ended_by, self.record.scorecard)

    def end(self, ended_by: EndedBy = "volunteer") -> Scorecard:
        """End the call (if it has not ended) and return its scorecard."""
        if not self.ended:
            self._finish(ended_by)
        assert self.record.scorecard is not None
        return self.record.scorecard


_SENTENCE_END = ".!?…"


def _first_sentence(text: str) -> str:
    """`text` up to and including its first sentence end ("" when it never ends one)."""
    for i, ch in enumerate(text):
        if ch in _SENTENCE_END:
            end = i + 1
            while end < len(text) and text[end] in _SENTENCE_END:
                end += 1
            return text[:end].strip()
    return ""


def _pieces(text: str) -> list[str]:
    """`text` cut into words with their leading spaces, as a stream would deliver it."""
    import re

    return re.findall(r"\s*\S+", text)
