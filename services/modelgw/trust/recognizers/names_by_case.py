# ruff: noqa: SIM905  (word lists read best as words)
"""Person names the NER model cannot see: `john smith`, `JOSÉ GARCÍA`, `Girolamo Soranzo`.

The small English model finds English names by their capitals; it misses
names from elsewhere and names in lower case or ALL CAPS. From the name lists
(see `name_lists`), a name here is:

- one or more given names (`maria luiza`, `Horst-Dieter`, `hans-j.`), maybe
  particles (`van der`, `de`, `da`), then one or two surnames: a listed
  surname, or any word that is no frequent English word (`dorit heintze`,
  not `anna said`); in Title Case any capitalised word after a listed first
  name (`Girolamo Soranzo`);
- in Title Case, a word no list or dictionary holds before a listed surname
  (`Onveer Reddy`: a given name from where the lists do not reach);
- a lone given name after words that introduce a person (`my name is anna`,
  `Hi Scott,`), a lone listed name before a verb a person does (`Blackwood still owes`);
- two or three words no list or dictionary holds, written alike, after a word that
  takes a person or before a verb a person does (`KWAMBOKA GITAU WROTE:`);
- two or more listed surnames in a list (`West, Linke, Bates and Lantz`).
"""

from __future__ import annotations

import re

from modelgw.trust.ascii_letters import LetterPattern
from modelgw.trust.name_edges import SURNAME_PARTICLES
from modelgw.trust.name_lists import NameLists, fold_accents
from modelgw.trust.ner_review import in_another_language, in_firm_name
from modelgw.trust.recognizers.base import RegexRecognizer
from modelgw.trust.recognizers.person_cues import (
    INTRODUCER,
    ITEM_OR_SPEAKER,
    PERSON_VERB_AFTER,
    ROLE_AFTER,
    introduced,
    taken_as_person,
)
from modelgw.trust.stop_words import english_stop_words

_WORD = LetterPattern(r"[^\W\d_](?:[^\W\d_]|['\u2019](?=[^\W\d_])|-(?=[^\W\d_]))*\.?(?!\w)")
_PARTICLES = SURNAME_PARTICLES | frozenset("das do dos du zu ten ter y e".split())
"""Words inside a name: `name_edges`'s surname particles (`van der`, `Mac`, `Ní`) and the
Spanish and Portuguese `y`, `e` between two surnames."""
_CONNECTORS = frozenset(["and", "und", "et", "y", "e"])
_LIST_GAP = re.compile(r",\s*|\s+(?:and|&|und|et|y|e)\s+|,\s*and\s+")

_Word = tuple[int, int, str, str]
"""start, end, the word as written, lower-cased without a final dot."""


class NamesByCaseRecognizer(RegexRecognizer):
    entity = "PERSON"
    score = 0.6

    def __init__(self, names: NameLists) -> None:
        super().__init__()
        self._names = names

    def _first(self, word: str) -> bool:
        names = self._names
        if "-" not in word:
            return (word in names.first or _folded_in(word, names.first)) and (
                word not in names.common
            )
        return all(self._first(p) for p in word.split("-") if p)

    def _last(self, word: str) -> bool:
        names = self._names
        if "-" not in word:
            return word in names.last or _folded_in(word, names.last)
        parts = [p for p in word.split("-") if p]
        return bool(parts) and all(self._last(p) for p in parts)

    def _unknown(self, word: str) -> bool:
        """Not a frequent English word and not a name list's common word: maybe a surname."""
        return len(word) > 2 and word not in self._names.english and word not in self._names.common

    def find(self, text: str) -> list[tuple[int, int]]:
        words: list[_Word] = [
            (m.start(), m.end(), m.group(0), m.group(0).rstrip(".").lower())
            for m in _WORD.finditer(text)
        ]
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            end = self._name_from(text, words, i)
            if end is not None:
                # A sentence's full stop is not part of the name; an initial's dot is.
                last = words[end]
                spans.append((words[i][0], last[1] - (last[2].endswith(".") and len(last[3]) > 1)))
                i = end + 1
                continue
            end = self._family_first(text, words, i)
            if end is not None:  # `nakamura yūko`, `KOBAYASHI HARUTO`
                spans.append((words[i][0], words[end][1] - words[end][2].endswith(".")))
                i = end + 1
                continue
            if self._unlisted_given(text, words, i):  # `Onveer Reddy`, `Nurbanu Bilgin`
                spans.append((words[i][0], words[i + 1][1] - words[i + 1][2].endswith(".")))
                i += 2
                continue
            end = self._framed(text, words, i)
            if end is not None:  # `KWAMBOKA GITAU WROTE:`, `signed, Taimur Mahbeer`
                spans.append((words[i][0], words[end][1]))
                i = end + 1
                continue
            if (self._first(words[i][3]) and introduced(text, words[i][0])) or self._lone(
                text, words, i
            ):
                spans.append((words[i][0], words[i][1] - words[i][2].endswith(".")))
            i += 1
        taken = spans[:]
        spans.extend(
            s
            for s in self._surname_lists(text, words)
            if not any(a < s[1] and s[0] < b for a, b in taken)
        )
        return [
            s
            for s in spans
            if not in_firm_name(text, *s)
            and not in_another_language(text[s[0] : s[1]], self._names)
        ]

    def _lone(self, text: str, words: list[_Word], i: int) -> bool:
        """A single listed name where a person stands: after a word that takes one
        (`remind mazzola`), before a verb a person does (`Blackwood still owes`), at a list
        item's or chat line's start before a lower-case word or a role (`- deepika books`,
        `fergus (agent):`). It must be no English or everyday word."""
        start, end, written, lower = words[i]
        if len(lower) < 3 or lower in self._names.english or lower in self._names.common:
            return False
        if not (self._first(lower) or self._last(lower)):
            return False
        if taken_as_person(text, start):
            return True
        if PERSON_VERB_AFTER.match(text, end):
            return True
        if ROLE_AFTER.match(text, end):
            return True
        if not ITEM_OR_SPEAKER.search(text, max(0, start - 24), start):
            return False
        nxt = words[i + 1] if i + 1 < len(words) else None
        return (
            nxt is not None
            and text[end : nxt[0]] == " "
            and nxt[2].islower()
            and (written.islower() or written[:1].isupper())
        )

    def _name_from(self, text: str, words: list[_Word], i: int) -> int | None:
        """The index of the last word of a name starting at `words[i]`, if one does."""
        if not self._first(words[i][3]) or words[i][2].endswith("."):
            return None
        titled = words[i][2][0].isupper() and not words[i][2].isupper()
        j = i
        # More given names or initials: `maria luiza`, `john q.`, `hans-j.`.
        while j + 1 < len(words) and _adjacent(text, words[j], words[j + 1]):
            nxt = words[j + 1]
            given = self._first(nxt[3]) and not self._last(nxt[3]) and j - i < 2
            initial = len(nxt[3]) == 1 and nxt[2].endswith(".")
            if not (given or initial):
                break
            j += 1
        k = j
        # The rest of the name may be on the next line (`Luíza` / `de Oliveira`), once.
        wrapped = False
        while k + 1 < len(words) and words[k + 1][3] in _PARTICLES and k - j < 2:
            if _adjacent(text, words[k], words[k + 1]):
                k += 1
            elif not wrapped and _wrapped(text, words[k], words[k + 1]):
                wrapped, k = True, k + 1
            else:
                break
        if k + 1 >= len(words):
            return j if j > i and self._last(words[j][3]) else None
        if not _adjacent(text, words[k], words[k + 1]):
            if wrapped or not _wrapped(text, words[k], words[k + 1]):
                return j if j > i and self._last(words[j][3]) else None
            wrapped = True
        surname = words[k + 1]
        if not self._surname(surname, titled, after_particle=k > j) or (
            wrapped and not (self._last(surname[3]) and surname[3] not in self._names.common)
        ):
            # Across a line break only a listed surname: the next line may be anything.
            return j if j > i and self._last(words[j][3]) else None
        end = k + 1
        # A second surname: `Cabo Estevez`, `Ribeiro De Abreu`.
        if (
            end + 1 < len(words)
            and _adjacent(text, words[end], words[end + 1])
            and self._last(words[end + 1][3])
            and words[end + 1][3] not in self._names.common
            and _same_case(words[end][2], words[end + 1][2])
        ):
            end += 1
        return end

    def _family_first(self, text: str, words: list[_Word], i: int) -> int | None:
        """The index of a given name right after a surname, if `words[i]` starts a name in the
        order Japan, China, Korea, Vietnam and Hungary write it: a listed surname that is no
        everyday or English word (`Kobayashi`, `Nakamura`), then a listed given name written
        the same way (`nakamura yūko`, `SATŌ HARUTO`); one of the two a surname or a given name
        only, so that two words that may each be either are not read this way round."""
        if i + 1 >= len(words) or not _adjacent(text, words[i], words[i + 1]):
            return None
        family, given = words[i], words[i + 1]
        names = self._names
        if (
            not self._last(family[3])
            or family[3] in names.common
            or family[3] in names.english
            or family[2].endswith(".")
            or not _same_case(family[2], given[2])
        ):
            return None
        if not self._first(given[3]) or given[3] in names.english:
            return None
        if self._first(family[3]) and self._last(given[3]):
            return None
        last = i + 1
        if last + 1 < len(words) and _adjacent(text, given, words[last + 1]):
            more = words[last + 1]  # a second given name: `Đặng Quốc Bảo`, `LÊ THU TRANG`
            if (
                self._first(more[3])
                and more[3] not in names.english
                and more[3] not in names.common
                and _same_case(given[2], more[2])
            ):
                last += 1
        return last

    def _unlisted_given(self, text: str, words: list[_Word], i: int) -> bool:
        """Whether `words[i]` and the next word are a given name no list holds and a listed
        surname, both in Title Case (`Onveer Reddy`, `Nurbanu Bilgin`): the given name no
        English, everyday or stop word, nor a listed name of either kind (those the rules
        above read), the surname no everyday word."""
        if i + 1 >= len(words) or not _adjacent(text, words[i], words[i + 1]):
            return False
        given, surname = words[i], words[i + 1]
        names = self._names
        if not (_title(given[2]) and _title(surname[2])) or len(given[3]) < 3:
            return False
        if given[3] in names.english or given[3] in names.common or given[2].endswith("."):
            return False
        if self._first(given[3]) or self._last(given[3]):
            return False
        return (
            self._last(surname[3])
            and surname[3] not in names.common
            and surname[3] not in names.english
        )

    def _framed(self, text: str, words: list[_Word], i: int) -> int | None:
        """The index of the last word of a name of two or three words no list or dictionary
        holds, written alike (Title Case or ALL CAPS), where a person stands: after a word
        that takes one (`remind`, `signed,`, `spoke with`) or before a verb a person does
        (`KWAMBOKA GITAU WROTE`). Where nothing says a person stands there, unknown words
        are as often a firm, a product or a place."""
        end = i
        while (
            end + 1 < len(words)
            and end - i < 2
            and _adjacent(text, words[end], words[end + 1])
            and self._unheard(words[end + 1])
            and _same_case(words[i][2], words[end + 1][2])
        ):
            end += 1
        if end == i or not self._unheard(words[i]) or words[i][2].islower():
            return None
        start = words[i][0]
        if taken_as_person(text, start) or INTRODUCER.search(text, max(0, start - 24), start):
            return end
        return end if PERSON_VERB_AFTER.match(text, words[end][1]) else None

    def _unheard(self, word: _Word) -> bool:
        """No English, everyday or stop word, nor an initial: a name's word or a stranger."""
        return (
            not word[2].endswith(".")
            and self._unknown(word[3])
            and word[3] not in english_stop_words()
        )

    def _surname(self, word: _Word, titled: bool, *, after_particle: bool) -> bool:
        lower = word[3]
        if lower in self._names.english and lower not in self._names.last:
            return False
        if lower in self._names.common and lower not in self._names.usual_last:
            return False  # `anna said`, `john will`: a name list's everyday word
        if self._last(lower) or after_particle:
            return True
        if titled:
            return word[2][0].isupper() and len(word[2]) > 1 and lower not in self._names.common
        return self._unknown(lower)

    def _surname_lists(self, text: str, words: list[_Word]) -> list[tuple[int, int]]:
        """`West, Linke, Bates and Lantz`: capitalised listed surnames, two or more in a row."""
        spans: list[tuple[int, int]] = []
        run: list[_Word] = []
        for word in [*words, (len(text) + 1, len(text) + 1, "", "")]:
            if run and word[3] in _CONNECTORS:
                continue  # `and` between two names: the gap test below spans it
            joined = run and _LIST_GAP.fullmatch(text, run[-1][1], word[0])
            is_surname = (
                bool(word[2])
                and (not run or _same_case(run[0][2], word[2]))
                and self._last(word[3])
                and word[3] not in self._names.common
                and word[3] not in self._names.english
            )
            if is_surname and (not run or joined):
                run.append(word)
                continue
            # Title Case: two in a row are a list of names; lower case or capitals, three
            # (`akinola, brandão and żak`), as any two such words may be surnames by chance.
            titled = bool(run) and run[0][2][:1].isupper() and not run[0][2].isupper()
            if len(run) >= (2 if titled else 3):
                spans.extend((w[0], w[1] - w[2].endswith(".")) for w in run)
            run = [word] if is_surname else []
        return spans


def _folded_in(word: str, names: frozenset[str]) -> bool:
    return not word.isascii() and fold_accents(word) in names


def _adjacent(text: str, left: _Word, right: _Word) -> bool:
    return text[left[1] : right[0]] in (" ", ". ")


_WRAP = re.compile(r"[ \t]*\r?\n[ \t]*")


def _wrapped(text: str, left: _Word, right: _Word) -> bool:
    """A single line break between two words, no blank line: a name wrapped by a mail client."""
    return _WRAP.fullmatch(text, left[1], right[0]) is not None


def _title(word: str) -> bool:
    """Capitalised and the rest in lower case (`Onveer`, `Bilgin`, `O'Neill` is not)."""
    return word[:1].isupper() and word[1:].rstrip(".").islower()


def _same_case(a: str, b: str) -> bool:
    return a.islower() == b.islower() and a.isupper() == b.isupper()
