"""Which words in a story could be names: the name half of the check's pure part.

Decided word by word (``spot_names``):

- A capitalised word inside a sentence is a name unless it is a common English word that is
  not also a name (so "the Local Authority" passes, "Hope" and "Eastmoor" do not). The
  partnership's own words (agencies, roles, family words, days: ``words.VOCABULARY``) never
  are, and nor are all-capital acronyms ("GP", "DSL"), unless they are known names ("SMITH").
- At the start of a sentence every word is capitalised, so there a word is a name only if it
  is not a common English word ("Grace", "Kayden" are; "Hope", "Will", "May" are not, unless
  the child index holds them, or they start a full name: "Hope Smith").
- After a title ("Mrs", "PC", "Nan") the capitalised word is a name, whatever it is.
- A month or season that is also a name is a time when the words around say so ("in May",
  "the Summer term"), otherwise a name.
- A lower-case word is looked up in the index only when it could be a carelessly typed name;
  if the index holds it, it blocks ("amelia").
"""

import re
import unicodedata
from dataclasses import dataclass

from jigsaw.matching.normalise import compact_name
from jigsaw.stories import words
from jigsaw.stories.rules import Kind, Spotted

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_POSSESSIVE = ("'s", "\u2019s")
_SENTENCE_END = ".!?\n"
_OPENERS = "\"'\u201c\u2018([*\u2022-\u2013 \t"
_NUMBER = re.compile(r"\s*(\d+)")
_MIN_NAME = 2
_MIN_LOOKUP = 3
_MIN_UNLISTED = 5


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str  # without a possessive "'s"
    lower: str
    at_start: bool


def _tokens(text: str) -> list[_Token]:
    tokens = []
    for match in _WORD.finditer(text):
        word = match.group()
        if word.endswith(_POSSESSIVE):
            word = word[:-2]
        if not word:
            continue
        start = match.start()
        tokens.append(_Token(start, start + len(word), word, word.lower(), _starts(text, start)))
    return tokens


def _starts(text: str, position: int) -> bool:
    """Whether a word at ``position`` starts a sentence (or a line, or the text)."""
    index = position - 1
    while index >= 0 and text[index] in _OPENERS:
        index -= 1
    return index < 0 or text[index] in _SENTENCE_END


def spot_names(text: str) -> list[Spotted]:
    """Every word that could be a name, with its keys; ``looks_like`` if its shape blocks."""
    tokens = _tokens(text)
    decided = [_decide(tokens, i, text) for i in range(len(tokens))]
    # A sentence that starts with a full name: "Hope Smith came in" is Hope Smith.
    for i, token in enumerate(tokens[:-1]):
        if decided[i] is False and decided[i + 1] and _adjacent(text, token, tokens[i + 1]):
            named = compact_name(token.text) in words.known_names()
            if token.at_start and (named or not words.is_english(token.lower)):
                decided[i] = True
    runs = _runs(text, tokens, decided)
    found = []
    for i, token in enumerate(tokens):
        verdict = decided[i]
        if verdict is None:
            continue
        keys = {token.lower, *(part for part in re.split(r"['\u2019\-]", token.lower) if part)}
        keys |= runs.get(i, set())
        keys |= {unaccented(key) for key in keys}  # "Zoë" is held as "Zoe" too
        found.append(Spotted(Kind.NAME, token.start, token.end, token.text, frozenset(keys),
                             verdict))  # fmt: skip
    return found


def _decide(tokens: list[_Token], i: int, text: str) -> bool | None:
    """True: looks like a name; False: look it up only; None: a word, not a name."""
    token = tokens[i]
    word = token.lower
    if len(word) < _MIN_NAME or word in words.VOCABULARY or _is_time(tokens, i, text):
        return None
    if token.text[0].islower():
        return False if _worth_looking_up(word) else None
    previous = tokens[i - 1] if i > 0 else None
    if previous and previous.lower in words.TITLES and _adjacent(text, previous, token):
        return True  # "Mrs Baker", "PC Fenwick"
    if token.text.isupper():
        if len(word) < _MIN_LOOKUP:
            return None
        return _named(word) and not words.is_english(word)  # "SMITH", not "SEND"
    return _capitalised(token)


def _capitalised(token: _Token) -> bool | None:
    word = token.lower
    named, english = _named(word), words.is_english(word)
    if not token.at_start:
        return named or not english
    # Every sentence starts with a capital: a common word there is a word, unless it is also
    # a name ("Hope", "Will"), which the index decides; so are short words and word endings.
    if english:
        return False if named else None
    if named:
        return True
    return len(word) > _MIN_LOOKUP and not word.endswith(words.WORD_ENDINGS)


def _named(word: str) -> bool:
    return word in words.AMBIGUOUS_NAMES or compact_name(word) in words.known_names()


def _worth_looking_up(word: str) -> bool:
    """A lower-case word that could be a carelessly typed name ("amelia", not "mark").

    A given name, or a longer word that is not a common word or family name (a family name
    in lower case is often a word: "green", "hall").
    """
    if len(word) < _MIN_LOOKUP or word in words.LOWER_CASE_WORDS or words.is_english(word):
        return False
    if compact_name(word) in words.given_names():
        return True
    return len(word) >= _MIN_UNLISTED and word not in words.surnames()


def unaccented(text: str) -> str:
    """The text without accents: "zoë" → "zoe"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _is_time(tokens: list[_Token], i: int, text: str) -> bool:
    """A month or season that names a time here ("in May", "May 2019", "Summer term")."""
    word = tokens[i].lower
    if word not in words.MONTH_NAMES and word not in words.SEASONS:
        return False
    before = tokens[i - 1].lower if i > 0 else ""
    after = tokens[i + 1].lower if i + 1 < len(tokens) else ""
    if before in words.TEMPORAL:
        return True
    if word in words.SEASONS:
        return after in words.SEASON_AFTER
    return _NUMBER.match(text, tokens[i].end) is not None


def _adjacent(text: str, first: _Token, second: _Token) -> bool:
    """Two words with only spaces between them (so "Smith. Then" are not one name)."""
    gap = text[first.end : second.start]
    if gap.startswith(_POSSESSIVE):
        return False
    return gap.strip(" ") == ""


def _runs(text: str, tokens: list[_Token], decided: list[bool | None]) -> dict[int, set[str]]:
    """For each word in a run of two or three capitalised words, the run in lower case.

    Given names are kept whole in the index ("Amelia Rose"), so the run is looked up too.
    """
    runs: dict[int, set[str]] = {}
    for i in range(len(tokens)):
        for length in (2, 3):
            window = range(i, i + length)
            if window.stop > len(tokens) or any(decided[j] is None for j in window):
                continue
            if not all(_adjacent(text, tokens[j], tokens[j + 1]) for j in window[:-1]):
                continue
            phrase = " ".join(tokens[j].lower for j in window)
            for j in window:
                runs.setdefault(j, set()).add(phrase)
    return runs
