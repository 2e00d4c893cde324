"""Finding glossary terms in what someone wrote: pure, and fast enough for every page.

The text is read as words (runs of letters, runs of digits: "s47" is "s", "47"); a term's
forms are word sequences in a trie, so one pass over the words finds every term, the longest
at each place. What lies between a term's words may be spaces, a single line break, a hyphen
or a slash ("CP plan", "CP-plan"), a full stop after a single letter or before a number
("s.47", "s. 47"), but nothing that ends a thought (a comma, a bracket, a blank line, a full
stop after a word). Symbols a form spells out ("A&E") must be there in the text too.

Case: a form matches in any case unless it is marked ``match_case`` (the programme
"Prevent", not the verb; "DASH", not a dash). A plural or possessive ends the last word
("CINs", "strategy discussions", "enquiries", "LAC's"); an acronym's capital S is a letter
of another acronym, not a plural ("CPS" is not "CP").

Nothing is rewritten: each ``Found`` is a span of the author's own text.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate, compress, count, pairwise, repeat
from operator import contains
from typing import Final, NamedTuple

# A word: letters (with apostrophes inside, "LAC's"), or digits. Underscore is neither.
# Possessive quantifiers (Python 3.11): a word never gives letters back, so the engine keeps
# no places to backtrack to, a sixth faster over a long narrative (bench/bench_glossary.py).
_WORD: Final = re.compile(r"[^\W\d_]++(?:['\u2019][^\W\d_]++)*+|\d++")
_SPLIT: Final = re.compile(f"({_WORD.pattern})")
# The same on lower-case ASCII text, a third faster (most narratives are plain ASCII).
_SPLIT_ASCII: Final = re.compile(r"([a-z]++(?:'[a-z]++)*+|[0-9]++)")
_APOSTROPHE_MARKS: Final = "'\u2019"
# A word with two apostrophes inside, once lowered ("o'neill's").
_TWO_APOSTROPHES: Final = re.compile(r"'[^\W\d_]+'[^\W\d_]")
_new: Final = tuple.__new__
_APOSTROPHES: Final = str.maketrans("", "", _APOSTROPHE_MARKS)
# What may stand between two words of one term (spaces and one line break, a hyphen or
# slash, and the symbols a form itself spells out).
_SOFT: Final = frozenset(" \t\u00a0\r\n-/\u2013")
_SPELLED: Final = frozenset("&+")


class Found(NamedTuple):
    """One term found: ``text[start:end]`` is what the author wrote.

    A named tuple: a page may find hundreds, and these are made fastest.
    """

    start: int
    end: int
    key: str


@dataclass(frozen=True, slots=True)
class _Form:
    key: str
    words: tuple[str, ...]  # as written, apostrophes removed
    symbols: tuple[str, ...]  # the spelled-out symbols between each pair of words
    match_case: bool
    acronym: bool  # all capitals: a trailing capital S is not a plural


@dataclass(slots=True)
class _Node:
    children: dict[str, "_Node"] = field(default_factory=dict)
    forms: list[_Form] = field(default_factory=list)
    # The node's first form when any case and plain spacing fit it (most forms): then the
    # words as written need no checks.
    plain: _Form | None = None
    # The words that may be the plural of a child's word ("cps", "enquiries"): worked out
    # once (``_prepared``), so a common word ending in "s" ("was") costs one set lookup.
    plurals: frozenset[str] = frozenset()


def _words(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group().translate(_APOSTROPHES)) for m in _WORD.finditer(text)]


def _symbols(gap: str) -> str | None:
    """The spelled-out symbols in a gap between two words, or None if it ends the term."""
    if "\n\n" in gap.replace("\r", ""):
        return None
    spelled = ""
    for char in gap:
        if char in _SPELLED:
            spelled += char
        elif char not in _SOFT and char != ".":
            return None
    return spelled


def _plural_in(word: str, children: dict[str, "_Node"]) -> bool:
    """Whether a word ending in "s" may be the plural of one of these."""
    return any(base in children for base, _ in _plural_bases(word))


def _joining(gap: str, before: str, after: str) -> str | None:
    """The symbols a gap spells out between two words of one term, or None if it ends it."""
    if gap == " ":
        return ""
    spelled = _symbols(gap)
    return spelled if spelled is not None and _full_stop_fits(gap, before, after) else None


def _full_stop_fits(gap: str, before: str, after: str) -> bool:
    """A full stop joins "s.47" or "s. 47", never the end of one sentence to the next."""
    return "." not in gap or (gap.count(".") == 1 and (len(before) == 1 or after.isdigit()))


# Plural endings, longest first, with the shortest word each may end ("is" is no plural).
_IES, _ES, _S = 3, 2, 1
_SHORTEST_PLURAL: Final = 3


def _plural_bases(word: str) -> tuple[tuple[str, int], ...]:
    """(base, length of the ending) pairs a lower-case word may be the plural of."""
    if len(word) < _SHORTEST_PLURAL or not word.endswith("s"):
        return ()
    if word.endswith("ies") and len(word) > _SHORTEST_PLURAL + 1:
        return ((word[:-_S], _S), (word[:-_IES] + "y", _IES))
    if word.endswith("es") and len(word) > _SHORTEST_PLURAL:
        return ((word[:-_S], _S), (word[:-_ES], _ES))
    return ((word[:-_S], _S),)


class Recogniser:
    """Every form of every term, ready to find them in any text."""

    __slots__ = ("_root", "_starts", "forms")

    def __init__(self) -> None:
        self._root = _Node()
        self._starts: frozenset[str] | None = None
        self.forms = 0

    @classmethod
    def build(cls, forms: Iterable[tuple[str, str, bool]]) -> "Recogniser":
        """From (form as written, term key, match case only) triples; blank forms are skipped."""
        recogniser = cls()
        for written, key, match_case in forms:
            recogniser._add(written, key, match_case=match_case)
        return recogniser

    def _add(self, written: str, key: str, *, match_case: bool) -> None:
        spans = _words(written)
        if not spans:
            return
        symbols = []
        for (_, end, _w), (start, _, _n) in pairwise(spans):
            symbols.append(_symbols(written[end:start]) or "")
        words = tuple(word for _, _, word in spans)
        letters = "".join(words)
        form = _Form(
            key=key,
            words=words,
            symbols=tuple(symbols),
            match_case=match_case,
            acronym=letters.isupper() and any(c.isalpha() for c in letters),
        )
        self._starts = None
        node = self._root
        for word in words:
            node = node.children.setdefault(word.lower(), _Node())
        if all(existing.words != form.words or existing.key != key for existing in node.forms):
            node.forms.append(form)
            self.forms += 1
            if len(node.forms) == 1 and not match_case and not any(form.symbols):
                node.plain = form

    def find(self, text: str) -> list[Found]:
        """Every term in ``text``, left to right, the longest where two overlap."""
        if self._starts is None:
            self._starts = _prepared(self._root)
        return _Reading(self._root, self._starts, text).found()


def _continues(word: str, node: _Node) -> bool:
    """Whether a word may continue a term from this node (gaps unchecked)."""
    if "'" in word:
        word = word.replace("'", "")
    return word in node.children or word in node.plurals


def _possessive_end(text: str, end: int) -> int:
    """Where a term ending in "s" ends with the apostrophe of a possessive after it, if any."""
    return end + 1 if not text[end + 1 : end + 2].isalnum() else end


def _with_possessive(text: str, found: Found) -> Found:
    """Take in a possessive apostrophe after a plural ("the CINs' plans")."""
    mark = text[found.end : found.end + 1]
    if text[found.end - 1 : found.end] in {"s", "S"} and mark and mark in _APOSTROPHE_MARKS:
        after = text[found.end + 1 : found.end + 2]
        if not after.isalnum():
            return Found(found.start, found.end + 1, found.key)
    return found


def _lowered(text: str) -> str:
    """The text in lower case, one character for one (so offsets stay the author's).

    A typographic apostrophe becomes a plain one, so words need only one kind removed.
    """
    lower = text.lower()
    if len(lower) != len(text):
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower.replace("\u2019", "'")


class _Reading:
    """One pass over one text.

    ``re.split`` with a capturing group gives [gap, word, gap, word, …, gap] in one call:
    the words to look up and the gaps between them, no slicing; offsets are added up only
    when a term may start.
    """

    __slots__ = ("_offsets", "_parts", "_root", "_starts", "_text", "_two_apostrophes")

    def __init__(self, root: _Node, starts: frozenset[str], text: str) -> None:
        self._root = root
        self._starts = starts
        self._text = text
        lowered = _lowered(text)
        # Whether a word has two apostrophes or more: rare, see found().
        self._two_apostrophes = "'" in lowered and _TWO_APOSTROPHES.search(lowered) is not None
        self._parts = (_SPLIT_ASCII if lowered.isascii() else _SPLIT).split(lowered)
        self._offsets: list[int] = []

    def found(self) -> list[Found]:
        parts = self._parts
        words = parts[1::2]
        is_start = self._starts.__contains__
        # One set lookup a word, looped in C: the first words of forms and their plurals.
        starts = list(compress(count(), map(is_start, words)))
        if self._two_apostrophes:
            # A start with one apostrophe ("LAC's") is in the starts as it is; one with more
            # is rare, and found by taking its apostrophes out (all "'" once lowered).
            marked = compress(count(), map(contains, words, repeat("'")))
            extra = [i for i in marked if is_start(words[i].replace("'", ""))]
            if extra:
                starts = sorted({*starts, *extra})
        if not starts:
            return []  # most short texts (an event's code, a one-line note)
        offsets = self._offsets = [0, *accumulate(map(len, parts))]
        text = self._text
        children, plurals = self._root.children, self._root.plurals
        last_word = len(words) - 1
        found: list[Found] = []
        add = found.append
        after = 0
        for first in starts:
            if first < after:
                continue
            # Most starts settle on the next word: no longer term goes on with it. Then a
            # plainly written one-word term is found, or nothing, without a walk (unless the
            # word may be another term's plural: "CPs").
            word = words[first]
            node = children.get(word)
            if (
                node is not None
                and word not in plurals
                and (
                    not node.children
                    or first == last_word
                    or not _continues(words[first + 1], node)
                )
            ):
                plain = node.plain
                if plain is not None:
                    end = offsets[2 * first + 2]
                    if word[-1] == "s" and end < len(text) and text[end] in _APOSTROPHE_MARKS:
                        end = _possessive_end(text, end)
                    # tuple.__new__: a named tuple made without its Python __new__.
                    add(_new(Found, (offsets[2 * first + 1], end, plain.key)))
                    after = first + 1
                    continue
                if not node.forms:
                    continue
                # A one-word form with its own case ("Prevent", "DASH"): checked here, as
                # the walk would, without setting one up.
                form = self._matching(node.forms, first, first, [], 0)
                if form is not None:
                    start, end = self._span(first)
                    add(_with_possessive(text, _new(Found, (start, end, form.key))))
                    after = first + 1
                continue
            if node is not None and word not in plurals and (pair := self._pair(node, first)):
                add(_with_possessive(text, pair))
                after = first + 2
                continue
            best = self._longest_from(first, len(words))
            if best is not None:
                add(_with_possessive(text, best[0]))
                after = best[1]
        return found

    def _pair(self, node: _Node, first: int) -> Found | None:
        """A plainly written two-word term that nothing longer goes on from, or None.

        "County lines", "health visitor": found as the walk would find them, without one.
        """
        parts, second = self._parts, 2 * first + 3
        if second >= len(parts) or parts[second - 1] != " ":
            return None
        word = parts[second]
        pair = node.children.get(word)
        if pair is None or pair.plain is None or word in node.plurals or "'" in word:
            return None
        if pair.children and second + 2 < len(parts) and _continues(parts[second + 2], pair):
            return None
        offsets = self._offsets
        return _new(Found, (offsets[second - 2], offsets[second + 1], pair.plain.key))

    def _span(self, index: int) -> tuple[int, int]:
        """Where word ``index`` is in the text."""
        return self._offsets[2 * index + 1], self._offsets[2 * index + 2]

    def _written(self, index: int) -> str:
        start, end = self._span(index)
        return self._text[start:end].translate(_APOSTROPHES)

    def _longest_from(self, first: int, count: int) -> tuple[Found, int] | None:
        parts = self._parts
        best: tuple[int, _Form] | None = None
        children = self._root.children
        gaps: list[str] = []
        spelled_out = False  # whether a gap so far held a symbol ("A&E")
        previous = ""
        for j in range(first, count):
            word = parts[2 * j + 1]
            if "'" in word:
                word = word.replace("'", "")
            if j > first:
                spelled = _joining(parts[2 * j], previous, word)
                if spelled is None:
                    break
                gaps.append(spelled)
                spelled_out = spelled_out or bool(spelled)
            previous = word
            node = children.get(word)
            if node is None:
                exact = None
            elif node.plain is not None and not spelled_out:
                exact = node.plain
            else:
                exact = self._matching(node.forms, first, j, gaps, 0) if node.forms else None
            # A plural or possessive can only end a form. After capitals it beats a form
            # spelled the same ("CPs" is more CP plans than the CPS).
            if word[-1] == "s" and (exact is None or exact.acronym or word[:-1] in children):
                plural = self._plural(children, first, j, gaps, word)
                if plural is not None and (plural.acronym or exact is None):
                    exact = plural
            if exact is not None:
                best = (j, exact)
            if node is None or not node.children:
                break
            children = node.children
        if best is None:
            return None
        last, form = best
        return Found(self._span(first)[0], self._span(last)[1], form.key), last + 1

    def _plural(
        self, children: dict[str, _Node], first: int, last: int, gaps: list[str], word: str
    ) -> _Form | None:
        for base, size in _plural_bases(word):
            node = children.get(base)
            if node is not None and node.forms:
                form = self._matching(node.forms, first, last, gaps, size)
                if form is not None:
                    return form
        return None

    def _matching(
        self, forms: list[_Form], first: int, last: int, gaps: list[str], suffix: int
    ) -> _Form | None:
        """The first form that fits these words as written (case, symbols, plural)."""
        for form in forms:
            if tuple(gaps) != form.symbols:
                continue
            if suffix or form.match_case:
                written_last = self._written(last)
                if suffix and form.acronym and not written_last[-suffix:].islower():
                    continue  # "CPS" is another acronym, not CPs
                if form.match_case:
                    written = [self._written(k) for k in range(first, last)]
                    written.append(written_last[: len(written_last) - suffix])
                    if not _same_base(tuple(written), form.words, suffix):
                        continue
            return form
        return None


def _same_base(written: tuple[str, ...], words: tuple[str, ...], suffix: int) -> bool:
    """Whether the words as written are the form's ("enquir" of "enquiries" for "enquiry")."""
    if suffix == _IES:
        return written[:-1] == words[:-1] and written[-1] == words[-1][:-1]
    return written == words


def _prepared(root: _Node) -> frozenset[str]:
    """Every node's plurals worked out; every word a term may start with (``_first_words``)."""
    nodes = [root]
    while nodes:
        node = nodes.pop()
        children = node.children
        candidates = {plural for word in children for plural in _plurals_of(word)}
        node.plurals = frozenset(w for w in candidates if _plural_in(w, children))
        nodes.extend(children.values())
    return _first_words(root)


def _plurals_of(word: str) -> tuple[str, ...]:
    """The words that may be plurals of this one (checked against ``_plural_bases``)."""
    found = (word + "s", word + "es")
    return (*found, word[:-1] + "ies") if word.endswith("y") else found


def _first_words(root: _Node) -> frozenset[str]:
    """Every word a term may start with: first words, and their plurals for one-word forms.

    Each also with an apostrophe inside ("lac's", "children's"), as a text may write it.
    """
    starts = set(root.children)
    for word, node in root.children.items():
        if node.forms:
            starts.update((word + "s", word + "es"))
            if word.endswith("y"):
                starts.add(word[:-1] + "ies")
    marked = {w[:i] + "'" + w[i:] for w in starts if w.isalpha() for i in range(1, len(w))}
    return frozenset(starts | marked)
