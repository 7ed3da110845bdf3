"""A typed query reduced to words, phrases, ``or`` and exclusions, and each engine's text."""

from __future__ import annotations

import re

import pytest

from pydotorg.search.query import MAX_WORDS, clean, parse, words


@pytest.mark.parametrize(
    ("typed", "fts5", "tsquery"),
    [
        ("python developer", '("python") AND ("developer")', "(('python')) & (('developer'))"),
        (
            '"django girls" abuja',
            '("django girls") AND ("abuja")',
            "(('django' <-> 'girls')) & (('abuja'))",
        ),
        (
            "zope erp or crm",
            '("zope") AND ("erp" OR "crm")',
            "(('zope')) & (('erp') | ('crm'))",
        ),
        (
            "python or django -java",
            '(("python" OR "django")) NOT ("java")',
            "(('python') | ('django')) & (!('java'))",
        ),
        ("Python 3.12.1", '("python") AND ("3 12 1")', "(('python')) & (('3' <-> '12' <-> '1'))"),
        ("ＰＹＴＨＯＮ", '("python")', "(('python'))"),  # noqa: RUF001
        ("c++ & rust", '("c") AND ("rust")', "(('c')) & (('rust'))"),
    ],
)
def test_each_engine_gets_words_never_syntax(typed: str, fts5: str, tsquery: str) -> None:
    query = parse(typed)
    assert query.fts5() == fts5
    assert query.tsquery() == tsquery


def test_the_title_alone_holds_every_required_word() -> None:
    query = parse("django girls -java")
    assert query.fts5(title_only=True) == (
        '(({title} : "django") AND ({title} : "girls")) NOT ("java")'
    )
    # PostgreSQL matches the required words against the title's own tsvector.
    assert query.required.tsquery() == "(('django')) & (('girls'))"


@pytest.mark.parametrize(
    "typed",
    ['" OR 1=1 --', "NEAR(a b)", 'a" OR "b', "{title}: x", "x*", "x ^ y", "'; DROP TABLE x; --"],
)
def test_quotes_and_operators_never_reach_an_engine(typed: str) -> None:
    """What is quoted is letters and digits; what is not is the renderer's own syntax."""
    query = parse(typed)
    fts5, tsquery = query.fts5(), query.tsquery()
    assert all(quoted.replace(" ", "").isalnum() for quoted in re.findall(r'"([^"]*)"', fts5))
    assert set(re.sub(r'"[^"]*"', "", fts5)) <= set("() ANDORT")
    assert all(quoted.isalnum() for quoted in re.findall(r"'([^']*)'", tsquery))
    assert set(re.sub(r"'[^']*'", "", tsquery)) <= set("()&|!<-> ")


@pytest.mark.parametrize("typed", ["", "   ", "-only -exclusions", "!!! ***", "_"])
def test_queries_without_a_word_to_find_are_empty(typed: str) -> None:
    assert parse(typed).empty


def test_queries_are_bounded() -> None:
    query = parse(" ".join(f"w{n}" for n in range(100)) + " " + "x" * 5000)
    assert sum(len(term.words) for clause in query.clauses for term in clause) == MAX_WORDS
    assert len(query.tsquery()) < 300 and "x" not in query.fts5()


def test_corrections_replace_single_words_only() -> None:
    query = parse('pyhton "pyhton tutorial" -pyhton')
    assert query.single_words == ["pyhton"]
    fixed = query.corrected({"pyhton": "python"})
    assert fixed.fts5() == '(("python") AND ("pyhton tutorial")) NOT ("pyhton")'


def test_words_and_cleaning() -> None:
    assert words("Developers' API_v2 café") == ["developers", "api", "v2", "café"]
    assert clean("a\x00b\x01c\x02d\ne\tf") == "abcd\ne\tf"


def test_words_are_lower_cased_as_the_engines_index_them() -> None:
    """Both engines lower-case the indexed text and neither folds ``ß`` to ``ss``."""
    assert words("STRAẞE Straße") == ["straße", "straße"]
    assert parse("Straße").tsquery() == "(('straße'))"
