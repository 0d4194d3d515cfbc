"""Model output is untrusted: clean it, then decide whether it may stand as the respondent's line.

`clean` makes text safe to store and show (no control characters or ANSI escapes). `early_problem`
runs on the partial reply while it streams, so an out-of-role reply is stopped at once.
`problem` runs on the finished reply. Both return a short reason, or None when the text is fine.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from pydantic import BaseModel, ConfigDict

from simulator.codes import Lang
from simulator.yaml_data import load_yaml

_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


class _Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    out_of_role: list[str]
    speaker_labels: list[str]
    min_chars: int
    max_chars: int
    echo_overlap: float
    script_share: float
    caller_identity: dict[Lang, list[str]]
    loop_ngram: int
    loop_repeats: int
    loop_word_letters: int
    loop_word_repeats: int
    loop_share: float


@cache
def rules() -> _Rules:
    """The reply rules from `reply_check.yaml`."""
    text = resources.files(__package__).joinpath("reply_check.yaml").read_text("utf-8")
    return _Rules.model_validate(load_yaml(text))


@cache
def _out_of_role_pattern() -> re.Pattern[str]:
    """Every out-of-role phrase as whole words, in one expression (it runs on every token)."""
    phrases = sorted(rules().out_of_role, key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in phrases)})(?!\w)")


@cache
def _label_pattern() -> re.Pattern[str]:
    labels = "|".join(re.escape(x) for x in sorted(rules().speaker_labels, key=len, reverse=True))
    return re.compile(rf"(?:^|[.!?…]\s+|\n)\s*(?:{labels})\s*(?:\([^)]*\))?\s*:", re.IGNORECASE)


def clean(text: str) -> str:
    """Text with ANSI escapes and control characters removed (newlines and tabs become spaces)."""
    text = _ANSI.sub("", text)
    out = []
    for ch in text:
        if ch in "\n\t\r":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") and ch != "\u200d":
            continue
        else:
            out.append(ch)
    return "".join(out)


def normalise(text: str) -> str:
    """Clean text with runs of spaces collapsed and ends trimmed."""
    return re.sub(r"\s+", " ", clean(text)).strip()


def early_problem(partial: str) -> str | None:
    """A reason to stop a reply while it is still streaming, or None."""
    found = _out_of_role_pattern().search(partial.lower())
    if found:
        return f"out of role ({found.group(0)!r})"
    if _label_pattern().search(partial):
        return "speaker label"
    if len(partial) > rules().max_chars:
        return "too long"
    return None


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def script_share(text: str, lang: Lang) -> float:
    """Share of letters written in `lang`'s script (1.0 for text without letters)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 1.0
    if lang == "ru":
        inside = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    else:
        inside = sum(1 for ch in letters if ch.isascii())
    return inside / len(letters)


@cache
def _identity_patterns(lang: Lang) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in rules().caller_identity[lang]), re.IGNORECASE)


def word_loop(text: str) -> str | None:
    """The phrase a reply keeps repeating («в Германии, в Германии, в Германии»), or None.

    A loop is a phrase said `loop_repeats` times or more that fills at least `loop_share` of
    the reply, or one word said `loop_word_repeats` times or more; a person telling a story may
    say "and I" three times in four sentences, a looping model fills the line with it."""
    r = rules()
    words = _words(text)
    if not words:
        return None
    counts: dict[str, int] = {}
    for word in words:
        if len(word) >= r.loop_word_letters:
            counts[word] = counts.get(word, 0) + 1
            if counts[word] >= r.loop_word_repeats:
                return word
    for n in range(r.loop_ngram, 6):
        grams: dict[tuple[str, ...], int] = {}
        for i in range(len(words) - n + 1):
            gram = tuple(words[i : i + n])
            grams[gram] = grams.get(gram, 0) + 1
            if grams[gram] >= r.loop_repeats and n * grams[gram] >= r.loop_share * len(words):
                return " ".join(gram)
    return None


def claims_caller_identity(text: str, lang: Lang) -> bool:
    """Whether the reply speaks as the caller (abroad, a volunteer) instead of the respondent."""
    return bool(_identity_patterns(lang).search(text))


_FIRST_PERSON = {"ru": ("я",), "en": ()}
_CLAUSE = re.compile(r"[.!?…;:,—–-]+")


def gender_error(text: str, gender: str | None, lang: Lang) -> str | None:
    """The first word where a Russian reply speaks of itself in the wrong grammatical gender
    («я согласен» from a woman, «я думала» from a man), or None. Only clauses with «я» before
    the word are checked, so the past tense of someone else is never mistaken for it."""
    if lang != "ru" or gender not in ("female", "male"):
        return None
    from simulator.coding.text import _morph

    wrong = "masc" if gender == "female" else "femn"
    for clause in _CLAUSE.split(text.lower()):
        words = _WORD.findall(clause)
        if "я" not in words:
            continue
        after = words[words.index("я") + 1 :][:4]
        for word in after:
            tag = _morph().parse(word)[0].tag
            personal = ("VERB" in tag and "past" in tag) or "ADJS" in tag or "PRTS" in tag
            if personal and "sing" in tag and tag.gender == wrong:
                return word
    return None


def problem(
    reply: str,
    lang: Lang,
    volunteer_text: str = "",
    recent_replies: tuple[str, ...] = (),
    *,
    gender: str | None = None,
    volunteer_lines: tuple[str, ...] = (),
) -> str | None:
    """A reason the finished reply cannot stand as the respondent's line, or None.

    `gender` is the persona's (Russian first-person grammar must agree with it);
    `volunteer_lines` are all the volunteer's earlier lines (none may be repeated word for word).
    """
    r = rules()
    early = early_problem(reply)
    if early:
        return early
    if len(reply) < r.min_chars or not _words(reply):
        return "empty"
    if script_share(reply, lang) < r.script_share:
        return "wrong language"
    words = _words(reply)
    theirs = set(_words(volunteer_text))
    if theirs and len(words) >= 3:
        shared = sum(1 for w in words if w in theirs) / len(words)
        if shared >= r.echo_overlap:
            return "echoes the volunteer"
    if reply.lower() in (x.lower() for x in recent_replies):
        return "repeats itself"
    loop = word_loop(reply)
    if loop:
        return f"word loop ({loop!r})"
    if claims_caller_identity(reply, lang):
        return "speaks as the caller"
    wrong = gender_error(reply, gender, lang)
    if wrong:
        return f"wrong gender ({wrong!r})"
    said = " ".join(_words(reply))
    for line in volunteer_lines:
        spoken = " ".join(_words(line))
        if len(spoken) >= 12 and spoken in said:
            return "repeats the volunteer"
    return None
