# ruff: noqa: SIM905  (word lists read best as words)
"""Person names told by the words around them, whatever the names' own words are.

Some words can only lead to or follow a person: an honorific (`Dear Mr.
Cook`, `Frau Förster`), a verb of office work with `by` (`approved by Piran
Özdemir`, `opened by dean smith`), a role before a name (`Customer Annedore
Patberg called`), a meeting with someone (`Meeting with Faith Abiola`), a
sentence that a name starts before a verb of saying (`Bello Isah reported`),
one word before a verb only a person does (`NOTE: HALL PREFERS E-MAIL`) or
between asking and what is asked (`ask wafula whether`),
the line after a closing (`Best regards,` / `abeni olujimi`), a chat's speaker after the
time (`[19:45] Hamish (agent):`), a possessive
before a person's things (`pass it on to
mangold's manager`), a greeting before one word and a comma (`thanks
aroha!`). There a surname that is also an English word (`Cook`, `Lane`,
`Miles`) is still a surname, a greeted given name (`Hi Joy,`) a name, and a
name from no list (`Özdemir`) is still a name. In a text with capitals the
name must be capitalised too; in lower case or capitals, a word from the name
lists or one that is no English word. Stop words, and words of software
(`created by Jenkins`), end a name.
"""

from __future__ import annotations

import re

from modelgw.trust.caseless import CaselessPattern
from modelgw.trust.name_edges import PARTICLE, SURNAME_PARTICLES
from modelgw.trust.name_lists import NameLists, fold_accents
from modelgw.trust.recognizers.base import RegexRecognizer
from modelgw.trust.stop_words import CONTRACTION, english_stop_words

_W = r"[^\W\d_](?:[^\W\d_]|['\u2019](?=[^\W\d_])|-(?=[^\W\d_]))*"
_NAME = rf"(?P<name>{_W}(?:[ \t]+{_W}){{0,3}})"
_HONORIFIC = (
    r"mr|mrs|ms|mx|miss|dr|prof|sir|herr|frau|monsieur|madame|mme|mlle|señor|señora|sr|sra"
    r"|srta|signor|signora|sig|dott|pan|pani|heer|mevrouw|dhr|mevr"
)
_TITLES = frozenset(_HONORIFIC.split("|"))
"""An honorific is no word of the name after it (`spoke with Frau Förster`: `Förster`)."""
_AFTER_HONORIFIC = CaselessPattern(rf"(?<![\w'\-])(?:{_HONORIFIC})\.?[ \t]+{_NAME}")
_OFFICE_VERBS = (
    r"approved|opened|signed|reported|created|submitted|raised|assigned|reviewed|closed"
    r"|logged|requested|written|handled|escalated|authori[sz]ed|prepared|issued|placed"
    r"|cancell?ed|countersigned|booked|ordered|filed|sent|referred|recommended|introduced"
)
_BY = CaselessPattern(rf"\b(?:{_OFFICE_VERBS})[ \t]+by[ \t]+{_NAME}")
_ROLES = (
    r"customer|client|patient|tenant|caller|employee|colleague|applicant|guest|passenger"
    r"|subscriber|cardholder|policyholder|landlord|homeowner|claimant|complainant|technician"
    r"|courier|driver|candidate|contractor|consultant|student|visitor"
)
_ROLE = CaselessPattern(rf"(?<![\w'\-])(?:{_ROLES}),?[ \t]+{_NAME}")
"""A role before a name, or before it as an aside (`Customer Annedore Patberg`, `the driver,
wigbert koch, left`)."""
_MEETING = CaselessPattern(
    r"\b(?:(?:meeting|meet|met|call|called|chat|chatted|spoke|speak|speaking|talked|talk"
    r"|lunch|dinner|interview|appointment|session|catch-up)[ \t]+with"
    rf"|(?:spoke|spoken|speak|talked|talk|chatted)[ \t]+to)[ \t]+{_NAME}"
)
_TITLED_WORD = r"[A-Z\u00c0-\u024f][^\W\d_]*(?:['\u2019\-][^\W\d_]+)*"
_SAID = re.compile(
    rf"(?:^|(?<=[.!?:;]\s)|(?<=\n))(?P<name>{_TITLED_WORD}(?:[ \t]+{_TITLED_WORD}){{1,2}})"
    r"[ \t]+(?:reported|called|wrote|said|asked|confirmed|complained|requested|emailed"
    r"|phoned|replied|mentioned|noted|explained|agreed|approved|signed|joined|left|visited)\b",
    re.MULTILINE,
)
"""A sentence that starts with a name and a verb of saying or doing: `Bello Isah reported the
outage`. Only in Title Case, two or three words, each a name's (`Sales Team reported` is not)."""
_PERSONAL_VERBS = (
    r"prefers|preferred|wants|wanted|asked|asks|says|said|wrote|writes|replied|replies"
    r"|confirmed|confirms|agreed|agrees|complained|complains|emailed|phoned|requested|needs"
)
_SUBJECT = CaselessPattern(
    rf"(?m)(?:^|(?<=[.!?:;][ \t])|(?<=[.!?:;][ \t]{{2}}))"
    rf"(?P<name>(?:(?:{PARTICLE})[ \t]+){{0,2}}{_W})[ \t]+(?:{_PERSONAL_VERBS})\b"
)
"""One word that starts a sentence or follows a label, before a verb only a person does:
`NOTE: NAZIROVA PREFERS E-MAIL`, `dawn asked for a refund`; with its surname particles
(`NOTE: Ó FLANNABHRA PREFERS`)."""
_ASK = CaselessPattern(
    rf"\b(?:ask|asked|tell|told|remind|reminded|ping|pinged|thank|thanked|cc)[ \t]+"
    rf"(?P<name>{_W})[ \t]+(?:whether|if|about|to|that|when|for)\b"
)
"""One word between asking and what is asked: `CAN YOU ASK WAFULA WHETHER ...`."""
DEPARTMENTS = (
    r"accounts|accounting|legal|sales|support|billing|finance|hr|payroll|marketing|procurement"
    r"|purchasing|logistics|operations|ops|compliance|security|engineering|dispatch|reception"
    r"|facilities|customer[ \t]+service|the[ \t]+helpdesk|the[ \t]+warehouse|it"
)
"""The departments a person works in, as business text names them (`sarah from accounts`,
`cc: Nakul Gala, Finance`); a mail sent from one names no person (`From: Billing`)."""
_FROM_DEPARTMENT = CaselessPattern(rf"[ \t]from[ \t]+(?:{DEPARTMENTS})\b")
_NAMES_BEFORE = re.compile(
    rf"(?<![^\W\d_])(?:(?P<other>{_W})[ \t]+(?i:and|&)[ \t]+)?(?<![^\W\d_])(?P<name>{_W})$"
)
"""One given name (or two joined by `and`) before the department its bearer works in: `sarah
from accounts says`, `LOOP IN EBUKA AND OKORO FROM LEGAL`. The department is looked for first
(`_FROM_DEPARTMENT`), the names only before one: read at every word, it cost a third of this
recognizer's time."""
_RELATIONS = (
    r"manager|boss|assistant|colleague|wife|husband|partner|son|daughter|mother|father"
    r"|line[ \t]+manager|supervisor|secretary|lawyer|doctor"
)
_THINGS = (
    r"team|laptop|phone|account|order|desk|office|mailbox|calendar|contract|invoice|request"
    r"|ticket|car|address|number|email|e-mail|flight|visa|salary|payslip|appointment"
)
_POSSESSIVE = re.compile(
    rf"(?i)(?<![\w'\-])(?P<name>{_W})['\u2019]s[ \t]+(?:new[ \t]+|old[ \t]+)?"
    rf"(?:(?P<relation>{_RELATIONS})|{_THINGS})\b"
)
_GREETED = re.compile(
    rf"(?i)(?:^|(?<=[\s(]))(?:hi|hello|hey|dear|thanks|thank[ \t]+you|cheers|morning),?[ \t]+"
    rf"(?P<name>{_W})[ \t]*(?:[,!]|$)",
    re.MULTILINE,
)
"""A greeting and one word, then a comma, `!` or the line's end: `Hi Comfort,`, `thanks joy!`,
`Thanks, Benson` closing a message."""
_SIGNED = re.compile(
    r"(?im)^[ \t]*(?:(?:best|kind|warm|many)[ \t]+)?(?:regards|wishes|thanks|thank[ \t]+you"
    r"|cheers|sincerely|yours(?:[ \t]+(?:truly|sincerely|faithfully))?|best|cordially"
    r"|respectfully)[ \t]*[,!.]?[ \t]*\r?\n[ \t]*"
    rf"(?P<name>{_W}(?:[ \t]+{_W}){{0,3}})[ \t]*\r?$"
)
"""The line after a closing (`Best regards,` / `abeni olujimi`): the sender's name."""
_NOT_GREETED = frozenset(
    "mate man boss guy guys bro lady love honey sweet dear all both everyone team folks there "
    "again much lots nice good best so more pal buddy friend sir madam champ babe again then "
    "in to for you".split()
)
"""Words a greeting is followed by that are no one's name (`cheers mate!`, `thanks again!`)."""
_SPEAKER = re.compile(
    rf"(?m)^[ \t]*\[\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:[ \t]*[AaPp][Mm])?\][ \t]*{_NAME}"
    r"(?:[ \t]*\((?P<role>[^()\n]{1,20})\))?[ \t]*:"
)
"""A chat transcript's speaker after the time (`[19:45] Hamish (agent): Hi`); the parties' own
words for themselves (`Customer:`, `Bot:`) are no names."""
_HERE = re.compile(rf"(?m)(?:^|(?<=[:,]))[ \t]*{_NAME}[ \t]+(?i:here)(?=[ \t]*[,.!;\-])")
"""A caller who names themself at the start of a line or message, or after a greeting
(`Customer: Fergus Cartwright here, I called yesterday`, `hi all, indrek here - ...`)."""
_PARTIES = frozenset(
    "customer client caller user visitor guest agent support bot assistant system operator "
    "advisor adviser rep representative staff admin moderator host me you".split()
)
_NOT_PEOPLE = frozenset(
    "jenkins jira github gitlab bot system admin administrator cron dependabot renovate "
    "zendesk salesforce servicenow sap oracle workday email e-mail mail post phone fax sms "
    "courier hand chat whatsapp slack teams".split()
)
"""Who files a ticket or opens a pull request without being a person, and how a thing is sent
(`ordered by email`, `sent by post`)."""


class NamesByRoleRecognizer(RegexRecognizer):
    entity = "PERSON"
    score = 0.6

    def __init__(self, names: NameLists) -> None:
        super().__init__()
        self._names = names
        self._stop = english_stop_words()

    def find(self, text: str) -> list[tuple[int, int]]:
        titled = not (text.islower() or text.isupper())
        spans: list[tuple[int, int]] = []
        for pattern in (_AFTER_HONORIFIC, _BY, _ROLE, _MEETING):
            honorific = pattern is _AFTER_HONORIFIC
            for m in pattern.finditer(text):  # over the text lower-cased if ASCII: read `text`
                name = text[m.start("name") : m.end("name")]
                span = self._name_at(m.start("name"), name, titled, honorific)
                if span:
                    spans.append(span)
        for pattern in (_SUBJECT, _ASK):
            for m in pattern.finditer(text):
                name = text[m.start("name") : m.end("name")]
                if self._person(name.split()[-1], titled):  # the word after any particle
                    spans.append((m.start("name"), m.end("name")))
        for m in _SAID.finditer(text) if titled else ():
            words = m.group("name").split()
            if all(self._word_ok(w, titled, english_ok=i > 0) for i, w in enumerate(words)):
                spans.append(m.span("name"))
        for m in _POSSESSIVE.finditer(text):
            # a listed surname that is an English word is a person's only before a person:
            # `smith's manager`, not `the bank's account`
            if self._word_ok(m.group("name"), titled, english_ok=bool(m.group("relation"))):
                spans.append(m.span("name"))
        for m in _SIGNED.finditer(text):
            if span := self._whole_name(m, titled, honorific=False):
                spans.append(span)
        for m in _SPEAKER.finditer(text) if "[" in text else ():
            if m.group("name").lower() in _PARTIES:
                continue
            if span := self._whole_name(m, titled, honorific=True):
                spans.append(span)
        for m in _HERE.finditer(text) if "here" in text.lower() else ():
            if span := self._whole_name(m, titled, honorific=False):
                spans.append(span)
        for m in _GREETED.finditer(text):
            if self._given(m.group("name"), titled):
                spans.append(m.span("name"))
        for m in _FROM_DEPARTMENT.finditer(text) if "from" in text.lower() else ():
            window = max(0, m.start() - 80)
            names = _NAMES_BEFORE.search(text, window, m.start())
            spans += [
                (names.start(group), names.end(group))
                for group in ("other", "name")
                if names and names.group(group) and self._given(names.group(group), titled)
            ]
        return spans

    def _person(self, word: str, titled: bool) -> bool:
        """One word where only a person stands: a name's word that is no English word
        (`OKONKWO PREFERS`, `ask siobhan whether`). A name that is a word too needs more:
        `Hall`, `Dawn` or `Sales` alone may as well be a team's or a thing's."""
        lower = word.lower()
        if lower in self._stop or lower in _NOT_PEOPLE or lower in _TITLES or "-" in lower:
            return False  # `Kramer-Hines confirmed`: a firm named after its partners as often
        if titled and not word[0].isupper():
            return False
        return self._word_ok(word, titled, english_ok=False)  # `SALES PREFERS`: no person

    def _given(self, word: str, titled: bool) -> bool:
        """A greeted word: a listed given name even if an English word (`Hi Joy,`), else one
        that is no English word (`thanks aroha!`); never `team`, `all`, `everyone`."""
        lower = word.lower()
        if lower in self._stop or lower in _NOT_PEOPLE or (titled and not word[0].isupper()):
            return False
        names = self._names
        if lower in names.first or fold_accents(lower) in names.first:
            return True
        if lower in names.common:  # a name that is also a word: `Joy`, `Bob`, not `mate`
            return lower not in _NOT_GREETED
        return self._word_ok(word, titled, english_ok=False)

    def _whole_name(
        self, m: re.Match[str], titled: bool, *, honorific: bool
    ) -> tuple[int, int] | None:
        """The `name` group of `m` if all of its words pass, no more and no less (the whole
        line after a closing, the speaker before the colon)."""
        span = self._name_at(m.start("name"), m.group("name"), titled, honorific)
        return span if span and span[1] == m.end("name") else None

    def _name_at(
        self, start: int, words: str, titled: bool, honorific: bool
    ) -> tuple[int, int] | None:
        """The name's words from `start`: as many as pass, none when the first does not. Its
        first word may be an English word only after an honorific (`Mr. Cook`, not `approved
        by Board`); a later one may if it is a listed name (`Ada Lane`)."""
        end = None
        found = list(re.finditer(r"\S+", words))
        particle_at = None
        for i, m in enumerate(found):
            word = m.group(0)
            if i > 0 and particle_at is None and word.lower() in SURNAME_PARTICLES:
                particle_at = i  # kept only if a name's word follows
                continue
            if i == 0 and self._given_then_surname(word, found[1:], titled):
                end = start + m.end()  # `Faith Abiola`: a given name that is a word too
                continue
            # after an honorific, any capitalised word in a text with capitals: `Mr. Jug`
            titled_surname = (
                honorific and titled and word[0].isupper() and word.lower() not in self._stop
            )
            if not (titled_surname or self._word_ok(word, titled, english_ok=honorific or i > 0)):
                break
            end = start + m.end()
            particle_at = None
        return (start, end) if end is not None else None

    def _given_then_surname(self, word: str, rest: list[re.Match[str]], titled: bool) -> bool:
        """A name that is also a word (`Faith`, `Joy`) before a word that can only be a name."""
        return (
            bool(rest)
            and word.lower() in self._names.common
            and word.lower() not in _NOT_GREETED
            and (word[0].isupper() or not titled)
            and self._word_ok(rest[0].group(0), titled, english_ok=False)
        )

    def _word_ok(self, word: str, titled: bool, *, english_ok: bool) -> bool:
        """A name's word: capitalised where the text has capitals, no stop word; a listed name,
        or a word that is no English word (with `english_ok`, a listed one may be both)."""
        lower = word.lower()
        if len(lower) < 2 or lower in self._stop or lower in _NOT_PEOPLE or lower in _TITLES:
            return False
        if CONTRACTION.search(lower):  # `courier couldn't`: a verb, no name (`O'Brien` is)
            return False
        if titled and (not word[0].isupper() or (word.isupper() and len(word) <= 4)):
            return False  # in a text with capitals, `SSN`, `VAT`, `IBAN` are acronyms
        names = self._names
        plain = lower in names.english or lower in names.common
        if plain and not english_ok:
            return False
        listed = any(w in names.first or w in names.last for w in (lower, fold_accents(lower)))
        return listed or not plain
