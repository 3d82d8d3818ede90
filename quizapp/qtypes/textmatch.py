"""Typed answers judged as a fair instructor would: one normaliser for every path (practice,
exam, regrade, previews), then exact, pattern and typo-tolerant matching. Pure.

`normalise` folds what never changes the meaning of an answer: Unicode compatibility forms,
case, accents, punctuation, hyphens and spacing, a possessive "'s", number words and ordinals,
the common written forms of a date, a leading article, a leading title ("President", "Dr") and
a trailing descriptor ("app", "language"). `judge` then compares one response with a key.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import re2
from rapidfuzz.distance import OSA

MAX_PATTERN = 300  # characters of an instructor's pattern

ARTICLES = frozenset({"the", "a", "an"})
# Said before a name, never part of it. Longest first, so "vice minister" beats "minister".
TITLES = tuple(
    sorted(
        (
            "president",
            "vice president",
            "chinese president",
            "us president",
            "premier",
            "chairman",
            "chairwoman",
            "ceo",
            "founder",
            "cofounder",
            "minister",
            "vice minister",
            "secretary",
            "commerce secretary",
            "us commerce secretary",
            "us secretary of commerce",
            "secretary of commerce",
            "dr",
            "doctor",
            "prof",
            "professor",
            "mr",
            "mrs",
            "ms",
            "sir",
        ),  # fmt: skip
        key=lambda title: -len(title.split()),
    )
)
# A word after a name that only says what kind of thing it is: "the Lensa app".
DESCRIPTORS = frozenset(
    {"app", "application", "language", "initiative", "strategy", "platform", "chatbot"}
)
_CARDINALS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)  # fmt: skip
_ORDINAL_WORDS = (
    "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
    "ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
    "sixteenth", "seventeenth", "eighteenth", "nineteenth", "twentieth",
)  # fmt: skip
NUMBER_WORDS = (
    {word: str(value) for value, word in enumerate(_CARDINALS)}
    | {word: str(value) for value, word in enumerate(_ORDINAL_WORDS) if value}
    | {"thirty": "30", "forty": "40", "fifty": "50", "sixty": "60", "seventy": "70",
       "thirtieth": "30"}
)  # fmt: skip
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august",
    "september", "october", "november", "december",
)  # fmt: skip
MONTH_NAMES = (
    {month: month for month in MONTHS}
    | {month[:3]: month for month in MONTHS if month != "may"}
    | {"sept": "september"}
)
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


# ---- the normaliser --------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Compatibility forms, case and accents: 'ＥＲＮＩＥ', 'Raimondó' -> 'ernie', 'raimondo'."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFKC", text).casefold()


def _between_digits(text: str, index: int) -> bool:
    return 0 < index < len(text) - 1 and text[index - 1].isdigit() and text[index + 1].isdigit()


def _words(text: str) -> list[str]:
    """Punctuation goes (a hyphen or dash parts words; '&' reads 'and'; 9.9 keeps its point)."""
    text = _POSSESSIVE.sub("", text).replace("&", " and ")
    kept = []
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category.startswith(("Z", "C")) or category == "Pd":
            kept.append(" ")
        elif not category.startswith("P") or (char == "." and _between_digits(text, index)):
            kept.append(char)
    return "".join(kept).split()


def _number(word: str) -> str:
    """'eight' -> '8', '18th' and 'eighteenth' -> '18'; anything else unchanged."""
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    ordinal = _ORDINAL.fullmatch(word)
    return ordinal.group(1) if ordinal else word


def _day(word: str) -> bool:
    return word.isdigit() and len(word) <= 2 and 1 <= int(word) <= 31


def _year(word: str) -> bool:
    return word.isdigit() and len(word) == 4 and 1000 <= int(word) <= 2999


def _dates(words: list[str]) -> list[str]:
    """Each day-and-month phrase as '<month> <day> [<year>]': '31 aug', 'aug 31st', '31 of
    August 2023' all become 'august 31' (with '2023' after it when given)."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        month = day = None
        if word in MONTH_NAMES and i + 1 < len(words) and _day(words[i + 1]):
            month, day, i = MONTH_NAMES[word], words[i + 1], i + 2
        elif _day(word):
            j = i + 2 if i + 1 < len(words) and words[i + 1] == "of" else i + 1
            # "31 aug 31" reads "31, august 31": the month takes the day after it, as the
            # canonical form does (so normalising twice changes nothing).
            month_day = j + 1 < len(words) and _day(words[j + 1])
            if j < len(words) and words[j] in MONTH_NAMES and not month_day:
                month, day, i = MONTH_NAMES[words[j]], word, j + 1
        if month is None:
            out.append(word)
            i += 1
            continue
        out.extend((month, str(int(day))))
        if i < len(words) and _year(words[i]):
            out.append(words[i])
            i += 1
    return out


def _trim(words: list[str]) -> list[str]:
    """Drop leading articles and titles and a trailing descriptor, while a word remains."""
    changed = True
    while changed:
        changed = False
        # "A 100" and "A-100" are the chip A100, not the article before a number.
        if (
            len(words) > 1
            and words[0] in ARTICLES
            and not (words[0] == "a" and words[1][:1].isdigit())
        ):
            words, changed = words[1:], True
            continue
        for title in TITLES:
            size = len(title.split())
            if len(words) > size and " ".join(words[:size]) == title:
                words, changed = words[size:], True
                break
        if len(words) > 1 and words[-1] in DESCRIPTORS:
            words, changed = words[:-1], True
    return words


def normalise(text: str) -> str:
    """The canonical form two answers are compared in; normalise(normalise(x)) == normalise(x)."""
    words = [_number(word) for word in _words(_fold(text))]
    return " ".join(_trim(_dates(words)))


# An author's words (keys, near misses, a question's context) come back with every response,
# so their normal forms are kept; what a student typed never is (B1: no user's text in a
# process-wide cache).
_authored = functools.lru_cache(maxsize=4096)(normalise)


def compact(text: str) -> str:
    return text.replace(" ", "")


# ---- patterns (B7): RE2 runs in time linear in the response --------------------------------


class UnsafePattern(ValueError):
    """A pattern that is refused; the message says why."""


def _options():
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    options.max_mem = 1 << 20  # a pattern needing more than 1 MiB of automaton is refused
    return options


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str):
    """The pattern compiled by RE2 (linear time: no backtracking, so no ReDoS); UnsafePattern
    for one RE2 cannot run (backreferences, lookaround), an oversized one, or one that accepts
    an empty answer."""
    if len(pattern) > MAX_PATTERN:
        raise UnsafePattern(f"pattern is longer than {MAX_PATTERN} characters")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise UnsafePattern(f"pattern is not a valid regular expression: {exc}") from None
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        reason = reason.decode(errors="replace") if isinstance(reason, bytes) else str(reason)
        raise UnsafePattern(
            f"pattern cannot be matched in linear time ({reason}): backreferences, lookaround "
            "and huge repeats are refused"
        ) from None
    if compiled.fullmatch("") is not None:
        raise UnsafePattern("pattern accepts an empty answer")
    return compiled


def pattern_matches(pattern: str, normalised: str) -> bool:
    try:
        return compile_pattern(pattern).fullmatch(normalised) is not None
    except UnsafePattern:
        return False  # refused by the checker; a stored one never accepts anything


# ---- judging one response -------------------------------------------------------------------


def is_date_or_number(text: str) -> bool:
    """A normalised answer that is a date ('august 31') or only numbers ('8', '9.9')."""
    words = text.split()
    dated = any(word in MONTHS for word in words) and any(word.isdigit() for word in words)
    return dated or all(word.replace(".", "", 1).isdigit() for word in words)


@functools.lru_cache(maxsize=4096)
def typo_budget(answer: str) -> int:
    """Edits allowed against a normalised accepted answer: none for short answers (up to five
    letters), one for medium ones, two for long names (twelve letters or more); none for a date
    or a number."""
    if is_date_or_number(answer):
        return 0
    size = len(compact(answer))
    return 0 if size <= 5 else 1 if size < 12 else 2


def _digit_words(text: str) -> list[str]:
    return sorted(word for word in text.split() if any(c.isdigit() for c in word))


def distance(a: str, b: str, cutoff: int | None = None) -> int:
    """Edits between two normalised answers (a swap of neighbours is one; spaces are free);
    with `cutoff`, anything above it is reported as cutoff + 1 (and found sooner)."""
    return OSA.distance(compact(a), compact(b), score_cutoff=cutoff)


def _same(a: str, b: str) -> bool:
    return a == b or compact(a) == compact(b)


def same_text(response: str, text: str) -> bool:
    """Whether a response is `text` once both are normalised (no typo allowed)."""
    return _same(normalise(response), _authored(text))


def _years(texts: Sequence[str]) -> set[str]:
    return {word for text in texts for word in _authored(text).split() if _year(word)}


def _same_date(given: str, wanted: str, years: set[str]) -> bool:
    """The same day and month, one side with a year: 'august 31 2023' is 'august 31' when the
    question or its key names 2023 (a year it never mentions stays wrong), and 'august 31'
    is 'august 31 2023'."""
    said, key = given.split(), wanted.split()
    if len(said) == 3 and key == said[:2] and key[0] in MONTHS and _year(said[2]):
        return said[2] in years
    return len(key) == 3 and said == key[:2] and said[0] in MONTHS and _year(key[2])


@dataclass(frozen=True)
class TextKey:
    """What a typed answer is judged against."""

    answers: Sequence[str]
    reject: Sequence[str] = ()  # near misses that stay wrong
    distractors: Sequence[str] = ()  # other wrong answers (another blank's, ...)
    pattern: str | None = None
    typos: bool = True
    context: str = ""  # the question's own words: a name there may own the answer
    background: str = ""  # its explanation: a year named there or in the context may be given


@dataclass(frozen=True)
class Verdict:
    right: bool
    note: str | None = None  # said to the student when a close match was accepted


@functools.lru_cache(maxsize=1024)
def owners(context: str) -> frozenset[str]:
    """Names in the question's own words (capitalised, one or two words), normalised."""
    names = [word.strip(".,;:!?()[]\"'“”") for word in context.split()]
    found: set[str] = set()
    for index, word in enumerate(names):
        if word[:1].isupper():
            found.add(_authored(word))
            if index + 1 < len(names) and names[index + 1][:1].isupper():
                found.add(_authored(f"{word} {names[index + 1]}"))
    found.discard("")
    return frozenset(found)


def _forms(given: str, context: str) -> list[str]:
    """The response, and the response without a leading owner named in the question
    ("Baidu's ERNIE Bot" -> "ernie bot" when the question names Baidu)."""
    forms = [given]
    words = given.split()
    named = owners(context) if context else set()
    for size in (2, 1):
        if len(words) > size and " ".join(words[:size]) in named:
            forms.append(" ".join(_trim(words[size:])))
    return forms


def judge(response: str, key: TextKey) -> Verdict:
    """Whether a typed response is right, with a note when a close match was accepted."""
    given = normalise(response)
    if not given:
        return Verdict(False)
    rejected = [_authored(text) for text in key.reject]
    if any(_same(given, wrong) for wrong in rejected):
        return Verdict(False)
    accepted = [(text, _authored(text)) for text in key.answers]
    forms = _forms(given, key.context)
    if any(_same(form, wanted) for form in forms for _, wanted in accepted):
        return Verdict(True)
    if _year(given.rsplit(" ", 1)[-1]):  # a date with its year: the question must name it
        years = _years([*key.answers, key.context, key.background])
        if any(_same_date(form, wanted, years) for form in forms for _, wanted in accepted):
            return Verdict(True)
    if any(_same_date(form, wanted, set()) for form in forms for _, wanted in accepted):
        return Verdict(True)  # the date of a key that gives its year, without the year
    if key.pattern and any(pattern_matches(key.pattern, form) for form in forms):
        return Verdict(True)
    if not key.typos:
        return Verdict(False)
    others = [text for text in rejected + [_authored(t) for t in key.distractors] if text]
    for form in forms:
        close = []
        for text, wanted in accepted:
            budget = typo_budget(wanted)
            if not budget or abs(len(compact(form)) - len(compact(wanted))) > budget:
                continue
            edits = distance(form, wanted, budget)
            if edits <= budget and _digit_words(form) == _digit_words(wanted):
                close.append((edits, text))
        if not close:
            continue
        edits, text = min(close)
        if any(distance(form, other, edits) <= edits for other in others):
            return Verdict(False)
        return Verdict(True, f"Accepted: you wrote '{response.strip()}'; the answer is '{text}'.")
    return Verdict(False)
