"""A query as typed, reduced to what an engine may see.

The syntax is a web search box's (PostgreSQL's ``websearch_to_tsquery``): words (all
required), ``"quoted phrases"``, ``or`` between two terms, and ``-word`` to exclude. A query
becomes a :class:`Query` of at most ``MAX_WORDS`` words, then each engine's own query text
(:meth:`Query.fts5`, :meth:`Query.tsquery`): no character of what was typed reaches an engine
as syntax, only words of letters and digits, quoted by the renderer. A typed token of several
words (``3.12.1``, ``python.org``) is a phrase, on both engines.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace

MAX_WORDS = 16
MAX_WORD_LENGTH = 40  # longer "words" are not words: not in the vocabulary, never corrected
WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\n\t")


def clean(text: str) -> str:
    """Text as it is indexed: NFC, no control characters (the snippet markers are two)."""
    return unicodedata.normalize("NFC", text).translate(_CONTROL)


def words(text: str) -> list[str]:
    """The words of a text, lower-cased (NFKC): letters and digits, nothing else. Lower-cased,
    not case-folded, as both engines lower-case the indexed text: ``Straße`` is ``straße``
    (folded, ``strasse``, it was found on neither)."""
    return WORD.findall(unicodedata.normalize("NFKC", text).lower())


@dataclass(frozen=True)
class Term:
    """One word, or several that must stand side by side (a quoted phrase, or ``3.12.1``)."""

    words: tuple[str, ...]
    negated: bool = False

    def fts5(self, column: str = "") -> str:
        return column + '"' + " ".join(self.words) + '"'

    def tsquery(self) -> str:
        # Letters and digits only (``words``): nothing in them is to_tsquery syntax.
        phrase = " <-> ".join(f"'{word}'" for word in self.words)
        return f"!({phrase})" if self.negated else f"({phrase})"


@dataclass(frozen=True)
class Query:
    """All of ``clauses`` are required; a clause holds if any of its terms does."""

    clauses: tuple[tuple[Term, ...], ...]

    @property
    def positive(self) -> list[tuple[Term, ...]]:
        return [clause for clause in self.clauses if not clause[0].negated]

    @property
    def empty(self) -> bool:
        """No word that could find anything (nothing typed, or only exclusions)."""
        return not self.positive

    @property
    def single_words(self) -> list[str]:
        """The words typed alone (not in a phrase, not excluded): those a typo may hide in."""
        return [
            term.words[0] for clause in self.positive for term in clause if len(term.words) == 1
        ]

    def corrected(self, fixes: dict[str, str]) -> Query:
        """The query with single words replaced as ``fixes`` says."""

        def fix(term: Term) -> Term:
            if len(term.words) == 1 and term.words[0] in fixes and not term.negated:
                new = fixes[term.words[0]]
                return replace(term, words=(new,))
            return term

        return Query(tuple(tuple(fix(term) for term in clause) for clause in self.clauses))

    def fts5(self, *, title_only: bool = False) -> str:
        """SQLite FTS5's query: each clause, then ``NOT`` the excluded terms (in the title
        alone: every required term in the title)."""
        column = "{title} : " if title_only else ""
        required = " AND ".join(
            "(" + " OR ".join(term.fts5(column) for term in clause) + ")"
            for clause in self.positive
        )
        excluded = self.fts5_excluded()
        return f"({required}) NOT ({excluded})" if excluded else required

    def fts5_excluded(self) -> str | None:
        """SQLite FTS5's query of the excluded terms (any of them), None without any."""
        excluded = [clause[0].fts5() for clause in self.clauses if clause[0].negated]
        return " OR ".join(excluded) or None

    @property
    def required(self) -> Query:
        """The query without its exclusions."""
        return Query(tuple(self.positive))

    def tsquery(self) -> str:
        """PostgreSQL's ``to_tsquery`` text: each clause ANDed, a clause's terms ORed."""
        return " & ".join(
            "(" + " | ".join(term.tsquery() for term in clause) + ")" for clause in self.clauses
        )


def parse(text: str) -> Query:
    """The terms of a typed query, at most ``MAX_WORDS`` words in all."""
    clauses: list[tuple[Term, ...]] = []
    budget = MAX_WORDS
    joining = False
    for match in _TOKEN.finditer(text):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        raw = quoted if quoted is not None else bare
        is_negated = bool(negated)
        if quoted is None and raw.startswith("-") and len(raw) > 1:
            raw, is_negated = raw[1:], True
        if quoted is None and raw.casefold() == "or" and clauses and not clauses[-1][0].negated:
            joining = True
            continue
        found = tuple(word for word in words(raw) if len(word) <= MAX_WORD_LENGTH)[:budget]
        if not found:
            continue
        budget -= len(found)
        term = Term(found, is_negated)
        if joining and not is_negated:
            clauses[-1] = (*clauses[-1], term)
        else:
            clauses.append((term,))
        joining = False
        if not budget:
            break
    return Query(tuple(clauses))


__all__ = ["MAX_WORDS", "Query", "Term", "clean", "parse", "words"]
