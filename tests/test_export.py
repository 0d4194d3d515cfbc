"""Exporting a session: the SPEC JSON, Markdown a reviewer reads, and one offline HTML page."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from simulator.export import EXPORT_FORMATS, export_session
from simulator.export.html import highlight_evidence
from simulator.export.labels import Labels, label_keys
from simulator.export.markdown import escape_inline
from simulator.scoring.model import (
    DimensionScore,
    HardFail,
    Metrics,
    Outcome,
    Quote,
    Scorecard,
    Suggestion,
)
from simulator.session import RespondentState, SessionRecord, Turn
from simulator.store import Store

SCRIPT_REPLY = "<script>document.title='pwned'</script> Who gave you my number?"
"""A respondent line that would run as code if the HTML export did not escape it."""


def _state(trust: float, openness: float, irritation: float) -> RespondentState:
    return RespondentState(trust=trust, openness=openness, irritation=irritation)


def _scorecard(overall: int, readiness: str, quotes: dict[str, str]) -> Scorecard:
    return Scorecard.model_validate(
        {
            "overall": overall,
            "readiness": readiness,
            "hard_fails": [HardFail(turn=5, code="unsafe", quote=quotes["unsafe"])],
            "dimensions": {
                "empathy": DimensionScore(score=81, evidence=[Quote(turn=3, quote=quotes["good"])]),
                "human_life": DimensionScore(score=64),
                "listening": DimensionScore(score=47),
                "respect": DimensionScore(score=33),
                "safety": DimensionScore(score=0),
            },
            "metrics": Metrics(
                volunteer_turns=3,
                open_questions=1,
                reflections=1,
                reflection_to_question=1.0,
                volunteer_talk_share=0.58,
            ),
            "outcome": Outcome(hung_up=True, final_openness=0.35),
            "suggestions": [
                Suggestion(
                    turn=5, quote=quotes["unsafe"], why=quotes["why"], try_instead=quotes["try"]
                )
            ],
        }
    )


def english_record(session_id: str = "en0123456789") -> SessionRecord:
    """A short English call: a friendly opening, an empathic reflection, an unsafe request,
    and a respondent reply that carries a script tag and Markdown."""
    return SessionRecord(
        id=session_id,
        persona="doubtful-patriot",
        lang="en",
        model="fake: scripted",
        started_at="2026-11-30T10:00:00+00:00",
        ended_by="hangup",
        mode="assessment",
        turns=[
            Turn(
                speaker="respondent", text="Hello?", state=_state(0.2, 0.1, 0.3), source="authored"
            ),
            Turn(
                speaker="volunteer",
                text="Hello! Is it all right if we talk for a minute?",
                codes=["autonomy", "closed_question"],
                evidence={
                    "autonomy": ["Is it all right if"],
                    "closed_question": ["Is it all right"],
                },
            ),
            Turn(
                speaker="respondent",
                text=SCRIPT_REPLY,
                state=_state(0.25, 0.1, 0.35),
                mood="wary",
                source="model",
            ),
            Turn(
                speaker="volunteer",
                text="So you feel nobody asks people like you. That sounds really hard.",
                codes=["reflection", "empathy"],
                evidence={
                    "reflection": ["So you feel"],
                    "empathy": ["That sounds really hard"],
                },
            ),
            Turn(
                speaker="respondent",
                text="# Not a heading\n* not a list | not a table [x](y)",
                state=_state(0.3, 0.2, 0.3),
                source="fallback",
            ),
            Turn(
                speaker="volunteer",
                text="Tell me your address so I can send you materials.",
                codes=["unsafe", "lecture"],
                evidence={"unsafe": ["your address"], "lecture": ["not in the text"]},
            ),
            Turn(speaker="respondent", text="I'm hanging up.", state=_state(0.1, 0.1, 0.9)),
        ],
        scorecard=_scorecard(
            42,
            "not_yet",
            {
                "unsafe": "Tell me your address so I can send you materials.",
                "good": "So you feel nobody asks people like you.",
                "why": "Asking for an address can put the person at risk.",
                "try": "Would you like me to tell you where to read more, if you wish?",
            },
        ),
    )


def russian_record(session_id: str = "ru0123456789") -> SessionRecord:
    """A short Russian call with a scorecard."""
    return SessionRecord(
        id=session_id,
        persona="firm-supporter",
        lang="ru",
        model="fake",
        started_at="2026-12-01T18:30:00+03:00",
        ended_by="script_end",
        mode="practice",
        turns=[
            Turn(speaker="respondent", text="Алло?", state=_state(0.2, 0.1, 0.3)),
            Turn(
                speaker="volunteer",
                text="Здравствуйте! Что вас сейчас больше всего тревожит?",
                codes=["open_question"],
                evidence={"open_question": ["Что вас сейчас больше всего тревожит?"]},
            ),
            Turn(
                speaker="respondent", text="Цены растут, сын в армии.", state=_state(0.3, 0.2, 0.2)
            ),
            Turn(
                speaker="volunteer",
                text="Это, наверное, очень тяжело — ждать сына.",
                codes=["empathy", "human_life"],
                evidence={"empathy": ["наверное, очень тяжело"], "human_life": ["ждать сына"]},
            ),
            Turn(speaker="respondent", text="Да уж.", state=_state(0.35, 0.25, 0.2)),
            Turn(
                speaker="volunteer",
                text="Продиктуйте адрес, я пришлю вам материалы.",
                codes=["unsafe"],
                evidence={"unsafe": ["Продиктуйте адрес"]},
            ),
        ],
        scorecard=_scorecard(
            58,
            "almost",
            {
                "unsafe": "Продиктуйте адрес, я пришлю вам материалы.",
                "good": "Это, наверное, очень тяжело — ждать сына.",
                "why": "Просьба об адресе может навредить собеседнику.",
                "try": "Хотите, я расскажу, где можно почитать подробнее?",
            },
        ),
    )


class _Page(HTMLParser):
    """Tags, attributes and visible text of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if not self._in_style:
            self.text.append(data)

    @property
    def visible_text(self) -> str:
        return " ".join("".join(self.text).split())


def parse_html(document: str) -> _Page:
    """The parsed page."""
    page = _Page()
    page.feed(document)
    page.close()
    return page


def assert_offline(document: str) -> None:
    """No script, no external reference of any kind: src, href, CSS url() or @import."""
    page = parse_html(document)
    names = [tag for tag, _ in page.tags]
    assert "script" not in names and "link" not in names and "img" not in names
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert name not in ("src", "href", "srcset", "action"), (tag, name, value)
            assert not re.search(r"(https?:)?//", value or "") or name == "content", (tag, name)
    style = document[document.index("<style>") : document.index("</style>")]
    assert "url(" not in style and "@import" not in style


# --- JSON -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [english_record, russian_record])
def test_json_export_is_the_spec_record_and_parses_back_equal(make) -> None:  # type: ignore[no-untyped-def]
    record = make()
    text = export_session(record, "json")
    data = json.loads(text)
    assert data["schema"] == "callsim.session/1"
    assert data == record.to_json_dict()
    assert SessionRecord.model_validate(data) == record
    assert text.startswith('{\n  "schema"')
    if record.lang == "ru":
        assert "Алло?" in text  # real characters, not \u escapes


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown export format 'pdf'"):
        export_session(english_record(), "pdf")


# --- Markdown -------------------------------------------------------------------------------


def test_markdown_english_has_header_transcript_codes_and_scorecard() -> None:
    md = export_session(english_record(), "md", "A woman in Moscow")
    # Titled with the persona's name; the id stays in the facts.
    assert md.startswith("# A woman in Moscow\n")
    assert "| Persona | A woman in Moscow (`doubtful-patriot`) |" in md
    for fact in ("English", "assessment", "2026-11-30 10:00 UTC", "the respondent hung up"):
        assert fact in md
    # Volunteer turns numbered as the volunteer counts them: 1, 2, 3 (not 1, 3, 5).
    assert "**1 · Volunteer:** Hello! Is it all right if we talk for a minute?" in md
    assert "**3 · Volunteer:** Tell me your address" in md
    assert "**Respondent:** Hello?" in md
    # Codes by name, as the app names them.
    assert "*Codes: autonomy, closed question*" in md and "closed_question" not in md
    assert "**Overall: 42/100** · Readiness: **Not ready yet**" in md
    assert "| Empathy | 81 |" in md and "| Safety | 0 |" in md
    assert "volunteer turn 2: «So you feel nobody asks people like you.»" in md
    assert "volunteer turn 3 · unsafe: «Tell me your address so I can send you materials.»" in md
    assert "*Why:* Asking for an address can put the person at risk." in md
    assert "*Try instead:* Would you like me to tell you where to read more, if you wish?" in md
    assert "- reflections per question: 1.00" in md
    assert "- volunteer's share of the words: 58%" in md


def test_markdown_russian_uses_russian_labels() -> None:
    md = export_session(russian_record(), "md", "Зовите меня «вы»")
    assert md.startswith("# Зовите меня «вы»\n")
    for label in ("Разговор", "Оценка звонка", "**Итог: 58/100**", "Почти готовы", "Почему"):
        assert label in md
    assert "сценарий закончился" in md and "тренировка" in md
    assert "**2 · Волонтёр:** Это, наверное, очень тяжело — ждать сына." in md
    assert "Приёмы: сочувствие, человеческая жизнь" in md
    assert "| Сочувствие | 81 |" in md  # the app's name for the dimension
    assert "реплика волонтёра 3 · опасно" in md
    assert "Practice call" not in md and "Overall" not in md
    assert "`empathy`" not in md and "human_life" not in md


def test_markdown_escapes_model_text_so_structure_survives() -> None:
    md = export_session(english_record(), "md")
    lines = md.splitlines()
    headings = [ln for ln in lines if ln.startswith("#")]
    assert not any("Not a heading" in h for h in headings)
    assert "\\# Not a heading \\* not a list \\| not a table \\[x\\](y)" in md
    assert "\\<script\\>document.title='pwned'\\</script\\>" in md
    assert "<script>" not in md


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("> quote", "\\> quote"),
        ("a\n\n# b", "a \\# b"),
        ("`code` *em* _u_ ~s~", "\\`code\\` \\*em\\* \\_u\\_ \\~s\\~"),
        ("&amp; <b>", "\\&amp; \\<b\\>"),
    ],
)
def test_escape_inline_neutralises_markdown(raw: str, escaped: str) -> None:
    assert escape_inline(raw) == escaped


def test_markdown_without_scorecard_says_so() -> None:
    record = english_record().model_copy(update={"scorecard": None, "ended_by": None})
    md = export_session(record, "md")
    assert "This session has no scorecard." in md
    assert "unfinished" in md


# --- HTML -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", [english_record, russian_record])
def test_html_is_one_offline_page_with_scorecard_and_transcript(make) -> None:  # type: ignore[no-untyped-def]
    record = make()
    document = export_session(record, "html")
    assert_offline(document)
    page = parse_html(document)
    text = page.visible_text
    assert f'<html lang="{record.lang}">' in document
    assert str(record.scorecard.overall) in text
    for turn in record.turns:
        assert " ".join(turn.text.split()) in text
    widths = re.findall(r'class="fill (?:high|mid|low)" style="width: (\d+)%"', document)
    assert widths == ["81", "64", "47", "33", "0"]
    assert "@media print" in document


def test_html_shows_a_script_reply_as_text_not_as_a_tag() -> None:
    document = export_session(english_record(), "html")
    page = parse_html(document)
    assert [tag for tag, _ in page.tags].count("script") == 0
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in document
    assert SCRIPT_REPLY in page.visible_text


def test_html_code_chips_are_coloured_by_polarity_with_words_for_tooltips() -> None:
    document = export_session(english_record(), "html")
    chips = re.findall(r'<span class="chip (\w+)" title="([^"]+)">([^<]+)</span>', document)
    asks = "what the call guide asks for"
    warns = "what the call guide warns against"
    assert ("positive", asks, "autonomy") in chips
    assert ("neutral", "neither asked for nor warned against", "closed question") in chips
    assert ("negative", warns, "unsafe") in chips
    assert ("negative", warns, "lecture") in chips
    ru = export_session(russian_record(), "html")
    assert (
        '<span class="chip positive" title="то, что советует памятка">человеческая жизнь</span>'
        in ru
    )
    assert 'title="human_life"' not in ru and 'title="empathy"' not in ru


def test_html_does_not_mark_a_closed_question_as_positive() -> None:
    document = export_session(english_record(), "html")
    # «Is it all right» is both autonomy (positive) and a closed question: the merged mark is
    # positive because of autonomy; a closed question alone is neutral.
    alone = highlight_evidence("Are you at work?", {"closed_question": ["Are you at work?"]})
    assert alone.startswith('<mark class="neutral"')
    assert 'title="autonomy, closed question"' in document


def test_html_mood_title_and_turns_are_in_the_session_language() -> None:
    record = russian_record()
    record.turns[2] = record.turns[2].model_copy(update={"mood": "guarded"})
    document = export_session(record, "html", "Зовите меня «вы»")
    assert "<title>Зовите меня «вы»</title>" in document
    assert "<h1>Зовите меня «вы»</h1>" in document
    text = parse_html(document).visible_text
    assert "настроение: настороженное" in text and "guarded" not in text
    assert "реплика волонтёра 3" in text  # the unsafe turn, index 5
    numbers = re.findall(r'<span class="turn-index">(\d*)</span>', document)
    assert numbers == ["", "1", "", "2", "", "3"]


def test_evidence_spans_are_marked_inside_the_volunteer_text() -> None:
    marked = highlight_evidence(
        "So you feel nobody asks. That <b>sounds</b> really hard.",
        {"reflection": ["So you feel"], "empathy": ["<b>sounds</b> really hard"]},
    )
    assert marked == (
        '<mark class="positive" title="reflection">So you feel</mark> nobody asks. That '
        '<mark class="positive" title="empathy">&lt;b&gt;sounds&lt;/b&gt; really hard</mark>.'
    )


def test_overlapping_evidence_merges_and_negative_wins() -> None:
    marked = highlight_evidence(
        "Tell me your address now",
        {"lecture": ["Tell me your"], "unsafe": ["your address"], "empathy": ["missing"]},
    )
    assert marked == (
        '<mark class="negative" title="lecture, unsafe">Tell me your address</mark> now'
    )


def test_evidence_matches_ignoring_case() -> None:
    assert highlight_evidence("ЭТО тяжело", {"empathy": ["это тяжело"]}) == (
        '<mark class="positive" title="empathy">ЭТО тяжело</mark>'
    )


def test_html_escapes_every_field_a_model_or_person_wrote() -> None:
    hostile = '<img src="http://evil.example/x.png">'
    record = english_record().model_copy(update={"persona": hostile, "model": hostile})
    record.turns[1] = record.turns[1].model_copy(update={"text": hostile})
    assert record.scorecard is not None
    record.scorecard.suggestions[0].try_instead = hostile
    document = export_session(record, "html")
    assert_offline(document)
    assert "<img" not in document
    assert hostile in parse_html(document).visible_text


# --- labels ---------------------------------------------------------------------------------


def test_every_label_exists_in_both_languages() -> None:
    for key in label_keys():
        assert Labels("en")(key) and Labels("ru")(key)


# --- the command ----------------------------------------------------------------------------


def _callsim(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


def _saved(data_dir: Path, *records: SessionRecord) -> None:
    store = Store.open(data_dir)
    for record in records:
        store.save_session(record)
    store.close()


def test_export_command_writes_each_format(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _saved(data, english_record(), russian_record())
    shown = _callsim(data, "export", "ru01", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert SessionRecord.model_validate_json(shown.stdout) == russian_record()
    out = tmp_path / "call.html"
    written = _callsim(data, "export", "en0123", "-o", str(out))
    assert written.returncode == 0, written.stderr
    assert out.read_text("utf-8").startswith("<!DOCTYPE html>")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    md = _callsim(data, "export", "en0123456789")
    assert md.returncode == 0 and md.stdout.startswith("# A woman in Moscow\n")


def test_export_says_where_it_wrote_in_the_interface_language(tmp_path: Path) -> None:
    from simulator.config import Settings

    data = tmp_path / "data"
    _saved(data, russian_record())
    Settings(ui_lang="ru").save(data)
    out = tmp_path / "call.html"
    written = _callsim(data, "export", "ru01", "-o", str(out))
    assert written.returncode == 0, written.stderr
    assert written.stderr == f"записан файл {out}\n"
    page = out.read_text("utf-8")
    assert "<title>Зовите меня «вы»</title>" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["export", "zzz"], "callsim: no session with id 'zzz'"),
        (["export", "en0", "-o", "missing/dir/out.md"], "callsim: missing/dir/out.md: folder"),
    ],
)
def test_export_command_errors_are_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    data = tmp_path / "data"
    _saved(data, english_record())
    result = _callsim(data, *args)
    assert result.returncode == 1
    assert result.stderr.startswith(message)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_export_formats_are_the_documented_three() -> None:
    assert EXPORT_FORMATS == ("md", "json", "html")


def test_html_says_when_there_are_no_hard_fails() -> None:
    record = english_record()
    assert record.scorecard is not None
    record.scorecard.hard_fails = []
    document = export_session(record, "html")
    assert '<p class="no-hard-fails">None.</p>' in document
    assert 'class="hard-fails"' not in document


def test_export_replaces_an_existing_file_whole(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _saved(data, english_record())
    out = tmp_path / "call.md"
    out.write_text("old content that is much longer than nothing\n" * 500, encoding="utf-8")
    result = _callsim(data, "export", "en0", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text("utf-8")
    assert text.startswith("# A woman in Moscow") and "old content" not in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["call.md", "data"]


def test_exports_say_what_keeps_the_call_from_ready() -> None:
    from simulator.scoring.model import Blocker

    record = russian_record()
    assert record.scorecard is not None
    record.scorecard.blockers = [Blocker(turn=3, code="guilt", quote="Вам не стыдно?")]
    md = export_session(record, "md")
    assert "### Что не даёт оценку «готовы»" in md
    assert "- реплика волонтёра 2 · обвинение: «Вам не стыдно?»" in md
    text = parse_html(export_session(record, "html")).visible_text
    assert "Что не даёт оценку «готовы»" in text and "не готов к настоящим звонкам" in text
