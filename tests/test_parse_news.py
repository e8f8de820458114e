"""The news-article parser: golden records for both seeds, hand-checked facts, and one table of
small texts per pattern (dateline, byline, captions, quotes, agencies, interviews, errors)."""

from __future__ import annotations

import csv
import doctest
import hashlib
import io
import json
from importlib.resources import files
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caucasus_cables import NewsArticle, ParseError, parse_news_article, read_catalog
from caucasus_cables.catalog import CatalogEntry
from caucasus_cables.parse import news as news_module
from caucasus_cables.records import DatePrecision, Genre, ProvenanceKind, Source, TurnRole

FIXTURES = Path(__file__).parent / "fixtures" / "news"
MT_ID = "2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"
EA_ID = "2024-09-10-eadaily-kulakhmetov-interview"
GOLDEN = sorted(path.stem for path in FIXTURES.glob("*.txt"))


@pytest.fixture(scope="module")
def entries(seeds_dir: Path) -> dict[str, CatalogEntry]:
    return {entry.id: entry for entry in read_catalog(seeds_dir).documents if entry.id}


def _parse_fixture(article_id: str, entries: dict[str, CatalogEntry]) -> NewsArticle:
    entry = entries[article_id]
    text = (FIXTURES / f"{article_id}.txt").read_bytes().decode("utf-8")
    return parse_news_article(
        text,
        metadata=entry.metadata,
        id=entry.id,
        record_source=Source(path=entry.path, sha256=entry.sha256),
    )


@pytest.fixture(scope="module")
def mt(entries: dict[str, CatalogEntry]) -> NewsArticle:
    return _parse_fixture(MT_ID, entries)


@pytest.fixture(scope="module")
def ea(entries: dict[str, CatalogEntry]) -> NewsArticle:
    return _parse_fixture(EA_ID, entries)


# -- golden records ------------------------------------------------------------------------


def test_golden_fixtures_are_the_two_seeds() -> None:
    assert GOLDEN == [MT_ID, EA_ID]


@pytest.mark.parametrize("article_id", GOLDEN)
def test_fixture_is_a_byte_identical_copy_of_the_seed(
    article_id: str, entries: dict[str, CatalogEntry], seeds_dir: Path
) -> None:
    entry = entries[article_id]
    data = (FIXTURES / f"{article_id}.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == entry.sha256
    assert data == (seeds_dir / entry.path).read_bytes()


@pytest.mark.parametrize("article_id", GOLDEN)
def test_golden_record(article_id: str, entries: dict[str, CatalogEntry]) -> None:
    expected = json.loads((FIXTURES / f"{article_id}.expected.json").read_text(encoding="utf-8"))
    assert _parse_fixture(article_id, entries).model_dump(mode="json") == expected


# -- The Moscow Times report, checked by hand against the text ------------------------------

# Every quoted span in the report that is a quotation, by (0-based) body paragraph, read off
# the text. Nine in all (pN: the paragraph with the speaker's first full mention):
#   4  Thursday's SCO declaration said, "The presidents reaffirmed ..."  -> SCO declaration
#   6  "Medvedev might have had some chance ...," Lipman said.          -> Masha Lipman (p5)
#   8  Dogolev ..., saying: "As far as our support ...," Reuters reported.
#                                                                       -> Vasily Dogolev
#  10  Kouchner ... told journalists in Paris that "sanctions are ...," Reuters reported.
#                                                                       -> Bernard Kouchner (p1)
#  11  "I don't want to talk about sanctions ...," he said.             -> Kouchner, last named
#  11  "But we are working with our 26 partners at this moment."        -> Kouchner, continued
#  14  "These are the product of a sick imagination, ...," Lavrov said. -> Sergei Lavrov (p13)
#  14  "I believe it is a demonstration of complete confusion."         -> Lavrov, continued
#  22  Saakashvili called on Europe "not to leave [Russia] unpunished," -> Mikheil Saakashvili
#      (p20); "Reuters reported" / "Interfax reported" after a quote cite, they do not speak.
MT_QUOTES = [
    (
        4,
        "SCO declaration",
        "The presidents reaffirmed their commitment to the principles of respect for the "
        "historical and cultural traditions of every country and to efforts aimed at preserving "
        "the unity of each state and its territorial integrity.",
    ),
    (
        6,
        "Masha Lipman",
        "Medvedev might have had some chance to win support from some individual Central Asian "
        "states after bilateral talks but never in the format of the whole alliance, which acts "
        "by consensus and where most members view China as the major partner",
    ),
    (
        8,
        "Vasily Dogolev",
        "As far as our support is concerned, we are allies, and that says it all",
    ),
    (10, "Bernard Kouchner", "sanctions are being considered and many other means as well"),
    (
        11,
        "Bernard Kouchner",
        "I don't want to talk about sanctions myself ahead of time, when the meeting itself has "
        "not taken place",
    ),
    (11, "Bernard Kouchner", "But we are working with our 26 partners at this moment."),
    (
        14,
        "Sergei Lavrov",
        "These are the product of a sick imagination, and that probably applies to sanctions as "
        "well",
    ),
    (14, "Sergei Lavrov", "I believe it is a demonstration of complete confusion."),
    (22, "Mikheil Saakashvili", "not to leave [Russia] unpunished"),
]


def test_mt_title_and_caption(mt: NewsArticle) -> None:
    assert mt.title == "Medvedev Disappointed in Dushanbe"
    assert mt.genre is Genre.REPORT
    assert [(c.credit, c.paragraph) for c in mt.captions] == [("AP", 0)]
    assert mt.captions[0].text == (
        "Iranian President Mahmoud Ahmadinejad greeting President Dmitry Medvedev at a Shanghai "
        "Cooperation Organization meeting in Dushanbe on Thursday."
    )
    assert mt.lead is None and mt.byline is None and mt.dateline is None


def test_mt_paragraphs(mt: NewsArticle) -> None:
    # 23 blank-line separated paragraphs after the title; the caption line is not one of them.
    assert len(mt.paragraphs) == 23
    assert mt.paragraphs[0].startswith("Moscow fell short of the diplomatic support")
    assert mt.paragraphs[-1].startswith("Speaking on Lithuanian national television")
    assert mt.body == "\n\n".join(mt.paragraphs)
    assert not any("Ahmadinejad" in p for p in mt.paragraphs)


def test_mt_quotes(mt: NewsArticle) -> None:
    assert [(q.paragraph, q.speaker, q.text) for q in mt.quotes] == MT_QUOTES


def test_mt_agencies(mt: NewsArticle) -> None:
    # "Reuters reported" (paragraphs 8, 10, 16), "Interfax reported" (22); the AP is a credit.
    assert mt.agencies_cited == ["Reuters", "Interfax"]


def test_mt_catalog_facts(mt: NewsArticle) -> None:
    assert mt.outlet == "The Moscow Times"
    assert mt.published is not None and mt.published.isoformat() == "2008-08-29"
    assert mt.published_precision is DatePrecision.DAY
    assert mt.authors == []
    kinds = {p.field: p.kind for p in mt.provenance}
    assert kinds["published"] is ProvenanceKind.INFERRED
    assert kinds["outlet"] is ProvenanceKind.CURATED
    assert "title" not in kinds  # the headline is the text's own


# -- The EADaily interview, checked by hand ------------------------------------------------

EA_FIRST_QUESTION = (
    "September 9 is the next anniversary of the establishment of diplomatic relations between "
    "the Russian Federation and the Republic of South Ossetia. What were the prerequisites for "
    "this important event?"
)
EA_LAST_QUESTION = (
    "One of the aspects of the activities of the Russian Embassy in South Ossetia is diplomatic "
    "support for the implementation of projects of Russian economic operators in South Ossetia, "
    "assistance to representatives of Russian business who are interested in working in the "
    "South Ossetian market. What are the features of this field of activity of the diplomatic "
    "mission?"
)


def test_ea_is_an_interview_with_kulakhmetov(ea: NewsArticle) -> None:
    assert ea.genre is Genre.INTERVIEW
    assert ea.interview is not None
    assert ea.interview.interviewee == "Marat Kulakhmetov"
    assert ea.interview.interviewer is None


def test_ea_turns(ea: NewsArticle) -> None:
    # 12 lines open with "— ": six questions (each ending "?") and six answers, alternating.
    assert ea.interview is not None
    turns = ea.interview.turns
    assert len(turns) == 12
    assert [t.role for t in turns] == [TurnRole.QUESTION, TurnRole.ANSWER] * 6
    questions = [t.text for t in turns if t.role is TurnRole.QUESTION]
    assert questions[0] == EA_FIRST_QUESTION
    assert questions[-1] == EA_LAST_QUESTION
    assert all(q.endswith("?") for q in questions)
    assert {t.speaker for t in turns if t.role is TurnRole.ANSWER} == {"Marat Kulakhmetov"}
    # The first answer runs on over three unmarked paragraphs ("These important stages ...",
    # "History, as they say ...", "Speaking about this ...").
    assert turns[1].text.count("\n\n") == 3
    assert turns[-1].text.endswith("business delegations from Russia.")


def test_ea_lead_title_and_body(ea: NewsArticle) -> None:
    assert ea.lead is not None
    assert ea.lead.startswith("The Russian Ambassador to South Ossetia, Marat Kulakhmetov,")
    # No headline in the text: the lead stands as the title, and the record says so.
    assert ea.title == ea.lead
    title = next(p for p in ea.provenance if p.field == "title")
    assert title.kind is ProvenanceKind.PARSED and "no headline" in (title.note or "")
    assert len(ea.paragraphs) == 24  # lines 2-25
    assert ea.quotes == []  # only scare quotes ("brown plague", "blitzkrieg"), none attributed
    assert ea.agencies_cited == []


def test_ea_catalog_facts(ea: NewsArticle) -> None:
    assert ea.translated_from == "ru"
    by_field = {p.field: p for p in ea.provenance}
    assert by_field["translated_from"].kind is ProvenanceKind.INFERRED
    assert by_field["interview.interviewer"].kind is ProvenanceKind.CURATED
    assert by_field["interview.interviewer"].note == (
        "The interviewer is not named in the text or on the page."
    )


# -- datelines and bylines ------------------------------------------------------------------

DATELINE_CASES = [
    # (first body paragraph, dateline, agencies cited, where it comes from)
    ("DUSHANBE (Reuters) - Russia failed to win support.", "DUSHANBE", ["Reuters"], "issue 4"),
    ("TBILISI, Georgia (AP) — Talks stalled.", "TBILISI", ["Associated Press"], "AP style"),
    ("ST. PETERSBURG, Aug. 29 -- Talks stalled.", "ST. PETERSBURG", [], "no agency"),
    ("MOSCOW — Talks stalled.", "MOSCOW", [], "place only"),
    ("Moscow - Talks stalled.", None, [], "not upper case"),
    ("NATO leaders met in Brussels.", None, [], "no dash"),
]


@pytest.mark.parametrize(
    "paragraph, place, cited", [c[:3] for c in DATELINE_CASES], ids=[c[3] for c in DATELINE_CASES]
)
def test_dateline(paragraph: str, place: str | None, cited: list[str]) -> None:
    article = parse_news_article(f"Talks Stall\n\n{paragraph}\n")
    assert article.dateline == place
    assert article.agencies_cited == cited
    assert article.paragraphs == [paragraph]  # kept as written


BYLINE_CASES = [
    # (byline line, authors, where it comes from)
    ("By Nikolaus von Twickel", ["Nikolaus von Twickel"], "particle"),
    ("By Anna Smirnova and Ivan Petrov", ["Anna Smirnova", "Ivan Petrov"], "two authors"),
    ("By Anna Smirnova, Staff Writer", ["Anna Smirnova"], "role dropped"),
    ("By Anna Smirnova, The Moscow Times", ["Anna Smirnova"], "outlet dropped"),
    ("By the end of the year, Russia will respond.", None, "a sentence, not a byline"),
]


@pytest.mark.parametrize(
    "line, authors", [c[:2] for c in BYLINE_CASES], ids=[c[2] for c in BYLINE_CASES]
)
def test_byline(line: str, authors: list[str] | None) -> None:
    article = parse_news_article(f"Russia Responds\n\n{line}\n\nThe Kremlin said nothing.\n")
    if authors is None:
        assert article.byline is None
        assert article.paragraphs[0] == line
    else:
        assert article.byline == line
        assert article.authors == authors
        assert article.paragraphs == ["The Kremlin said nothing."]
        authors_provenance = next(p for p in article.provenance if p.field == "authors")
        assert authors_provenance.kind is ProvenanceKind.PARSED


def test_dek_above_byline_is_the_lead() -> None:
    text = "Russia Shrugs Off Sanctions\n\nMoscow says it is ready.\n\nBy Anna Smirnova\n\nBody.\n"
    article = parse_news_article(text)
    assert article.lead == "Moscow says it is ready."
    assert article.paragraphs == ["Body."]


# -- captions -------------------------------------------------------------------------------

CAPTION_CASES = [
    # (line above the first body paragraph, (caption, credit) or None, where it comes from)
    (
        "APIranian President Mahmoud Ahmadinejad greeting President Dmitry Medvedev.",
        ("Iranian President Mahmoud Ahmadinejad greeting President Dmitry Medvedev.", "AP"),
        "Moscow Times seed: credit glued",
    ),
    ("ReutersProtesters in Tbilisi.", ("Protesters in Tbilisi.", "Reuters"), "Reuters glued"),
    ("ITAR-TASSA rally in Tskhinvali.", ("A rally in Tskhinvali.", "ITAR-TASS"), "'A' after"),
    ("AFPThe summit hall.", ("The summit hall.", "AFP"), "AFP glued"),
    ("BloombergOil workers.", ("Oil workers.", "Bloomberg"), "Bloomberg glued"),
    ("Igor Tabakov / MTLavrov in Moscow.", ("Lavrov in Moscow.", "Igor Tabakov / MT"), "MT staff"),
    ("Lavrov in Moscow. Igor Tabakov / MT", ("Lavrov in Moscow.", "Igor Tabakov / MT"), "after"),
    ("Lavrov in Moscow. Photo: Reuters", ("Lavrov in Moscow.", "Reuters"), "Photo: X"),
    ("Lavrov in Moscow. (Photo by Igor Tabakov)", ("Lavrov in Moscow.", "Igor Tabakov"), "by"),
    ("APEC leaders gathered in Lima on Saturday.", None, "APEC is a word, not AP + EC"),
    ("APIs were discussed.", None, "APIs is a word"),
    ("Reuters reported the talks had stalled.", None, "a citation, not a credit"),
]


@pytest.mark.parametrize(
    "line, expected", [c[:2] for c in CAPTION_CASES], ids=[c[2] for c in CAPTION_CASES]
)
def test_caption(line: str, expected: tuple[str, str] | None) -> None:
    article = parse_news_article(f"Leaders Meet\n\n{line}\nThe summit opened.\n")
    if expected is None:
        assert article.captions == []
        assert article.paragraphs == [line, "The summit opened."]
    else:
        assert [(c.text, c.credit, c.paragraph) for c in article.captions] == [(*expected, 0)]
        assert article.paragraphs == ["The summit opened."]


# -- quotes and speakers --------------------------------------------------------------------

QUOTE_CASES = [
    # (body, [(paragraph, speaker, quote)], where it comes from)
    (
        "Masha Lipman, a political analyst with the Moscow Carnegie Center, disagreed.\n\n"
        '"It was unrealistic," Lipman said.',
        [(1, "Masha Lipman", "It was unrealistic")],
        "surname -> first full mention",
    ),
    (
        'Foreign Minister Sergei Lavrov spoke first.\n\n"We are calm," he said.',
        [(1, None, "We are calm")],
        "he with no quoted speaker before: speaker unknown",
    ),
    (
        '"We are calm," Lavrov said.\n\n"We will answer," he said.',
        [(0, "Lavrov", "We are calm"), (1, "Lavrov", "We will answer")],
        "he -> last named speaker (a surname never given in full stays as written)",
    ),
    (
        'President Dmitry Medvedev said, "We are not afraid of anything."',
        [(0, "Dmitry Medvedev", "We are not afraid of anything.")],
        "X said, '...'",
    ),
    (
        'Vasily Dogolev appeared to agree, saying: "We are allies," Reuters reported.',
        [(0, "Vasily Dogolev", "We are allies")],
        "saying: '...'; the agency is not the speaker",
    ),
    (
        '"Nothing else was expected," said Masha Lipman, a political analyst.',
        [(0, "Masha Lipman", "Nothing else was expected")],
        "'...,' said X",
    ),
    (
        "“We will not back down,” Lavrov said. “Never.”",
        [(0, "Lavrov", "We will not back down"), (0, "Lavrov", "Never.")],
        "curly quotes and a continuation",
    ),
    (
        'The ministry called the move a "provocation" and the talks "pointless."',
        [],
        "scare quotes are not quotes",
    ),
]


@pytest.mark.parametrize(
    "body, expected", [c[:2] for c in QUOTE_CASES], ids=[c[2] for c in QUOTE_CASES]
)
def test_quotes(body: str, expected: list[tuple[int, str | None, str]]) -> None:
    article = parse_news_article(f"Russia Responds\n\n{body}\n")
    assert [(q.paragraph, q.speaker, q.text) for q in article.quotes] == expected


# -- agencies -------------------------------------------------------------------------------

AGENCY_CASES = [
    # (body, agencies cited, where it comes from)
    ("The talks stalled, Reuters reported.", ["Reuters"], "X reported"),
    ("Peskov told ITAR-TASS the mood was calm.", ["ITAR-TASS"], "issue 4: told ITAR-TASS"),
    ("The talks stalled, according to Interfax.", ["Interfax"], "according to X"),
    (
        "The RIA Novosti news agency said so. Interfax reported it too.",
        ["RIA Novosti", "Interfax"],
        "X news agency, in order",
    ),
    (
        "The talks stalled, AP reported. The Associated Press said so.",
        ["Associated Press"],
        "alias and name are one agency",
    ),
    ("APEC leaders met. Reuters photographers were there.", [], "no citation"),
]


@pytest.mark.parametrize(
    "body, cited", [c[:2] for c in AGENCY_CASES], ids=[c[2] for c in AGENCY_CASES]
)
def test_agencies(body: str, cited: list[str]) -> None:
    assert parse_news_article(f"Talks Stall\n\n{body}\n").agencies_cited == cited


# -- interviews -----------------------------------------------------------------------------


def test_q_a_interview() -> None:
    text = (
        "Envoy Speaks\n\n"
        "Ivan Petrov, the Russian envoy, told reporters the talks would go on.\n\n"
        "Interview by Anna Smirnova\n\n"
        "Q: Will the talks go on?\n"
        "A: Yes, they will.\n"
        "We are ready.\n"
        "Q: When?\n"
        "A: Next week.\n"
    )
    article = parse_news_article(text)
    assert article.genre is Genre.INTERVIEW
    assert article.lead == "Ivan Petrov, the Russian envoy, told reporters the talks would go on."
    assert article.interview is not None
    assert article.interview.interviewee == "Ivan Petrov"
    assert article.interview.interviewer == "Anna Smirnova"
    assert [(t.role.value, t.speaker, t.text) for t in article.interview.turns] == [
        ("question", "Anna Smirnova", "Will the talks go on?"),
        ("answer", "Ivan Petrov", "Yes, they will.\n\nWe are ready."),
        ("question", "Anna Smirnova", "When?"),
        ("answer", "Ivan Petrov", "Next week."),
    ]
    interviewer = next(p for p in article.provenance if p.field == "interview.interviewer")
    assert interviewer.kind is ProvenanceKind.PARSED


DASH_CASES = [
    # (body lines, genre, where it comes from)
    ("— Will the talks go on?\n— Yes.\n— When?\n— Soon.", Genre.INTERVIEW, "em dash"),
    ("– Will the talks go on?\n– Yes.", Genre.INTERVIEW, "en dash"),
    ("- Will the talks go on?\n- Yes.", Genre.INTERVIEW, "hyphen"),
    ("The demands were:\n- withdrawal of troops;\n- new talks.", Genre.REPORT, "a dashed list"),
]


@pytest.mark.parametrize("body, genre", [c[:2] for c in DASH_CASES], ids=[c[2] for c in DASH_CASES])
def test_dash_turns(body: str, genre: Genre) -> None:
    article = parse_news_article(f"Envoy Speaks\n\nThe envoy spoke to us.\n\n{body}\n")
    assert article.genre is genre
    assert (article.interview is not None) is (genre is Genre.INTERVIEW)


# -- layout ---------------------------------------------------------------------------------


def test_hard_wrapped_text_is_unwrapped() -> None:
    text = (
        "Moscow Falls Short\n\n"
        "Moscow fell short of the diplomatic support it was looking for\n"
        "Thursday, as Central Asian states and China failed to back its\n"
        "recognition of independence for South Ossetia and Abkhazia.\n\n"
        "That failure threatened to leave Russia even further isolated\n"
        "diplomatically, analysts in Moscow and in Brussels said on Friday.\n"
    )
    article = parse_news_article(text)
    assert article.paragraphs == [
        "Moscow fell short of the diplomatic support it was looking for Thursday, as Central "
        "Asian states and China failed to back its recognition of independence for South "
        "Ossetia and Abkhazia.",
        "That failure threatened to leave Russia even further isolated diplomatically, analysts "
        "in Moscow and in Brussels said on Friday.",
    ]


def test_crlf_bom_and_spaces_are_normalised_but_raw_text_is_kept() -> None:
    text = "\ufeffTalks Stall\r\n\r\nThe  talks\tstalled.\r\n"
    article = parse_news_article(text)
    assert article.title == "Talks Stall"
    assert article.paragraphs == ["The talks stalled."]
    assert article.raw_text == text


# -- errors ---------------------------------------------------------------------------------

ERROR_CASES = [
    # (text, field, line, words in the reason, where it comes from)
    ("", "text", 1, "empty text", "empty"),
    ("  \n\n \t\n", "text", 1, "empty text", "blank"),
    ("Title\n\nBody \x00 here.", "text", 3, "NUL byte", "NUL byte"),
    ("Title\n\nBody \ufffd here.", "text", 3, "undecodable", "U+FFFD from bad bytes"),
    ("\n\nDUSHANBE (Reuters) - Russia failed.", "title", 3, "dateline", "no title: dateline"),
    ("— What do you think?\n— Nothing.", "title", 1, "interview turn", "no title: a turn"),
    ("fell short of the support.\n\nMore.", "title", 1, "mid-sentence", "no title: fragment"),
    ("APIranian President greeting.\nBody.", "title", 1, "caption", "no title: a caption"),
    ("By Anna Smirnova\n\nBody.", "title", 1, "byline", "no title: a byline"),
    ("Word " + "word " * 79 + "end.\n\nMore.", "title", 1, "81-word", "no title: too long"),
    ("Only A Title\n", "body", 1, "no body", "title only"),
    ("Title\n\nBy Anna Smirnova\n", "body", 3, "no body", "title and byline only"),
]


@pytest.mark.parametrize(
    "text, field, line, reason", [c[:4] for c in ERROR_CASES], ids=[c[4] for c in ERROR_CASES]
)
def test_parse_error(text: str, field: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_news_article(text, source="news/bad.txt")
    error = caught.value
    assert (error.source, error.field, error.line) == ("news/bad.txt", field, line)
    assert reason in error.message
    assert str(error).startswith(f"news/bad.txt:{line}: {field}: ")


def test_binary_file_is_a_parse_error() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    with pytest.raises(ParseError, match="binary-looking"):
        parse_news_article(png.decode("utf-8", errors="replace"), source="news/photo.png")
    with pytest.raises(ParseError, match="got bytes"):
        parse_news_article(png, source="news/photo.png")  # type: ignore[arg-type]


def test_source_defaults_to_the_record_source_path() -> None:
    record_source = Source(path="news/x.txt", sha256="0" * 64)
    with pytest.raises(ParseError) as caught:
        parse_news_article("", record_source=record_source)
    assert caught.value.source == "news/x.txt"


# -- catalog metadata ---------------------------------------------------------------------


def test_plain_dict_metadata_equals_catalog_values(entries: dict[str, CatalogEntry]) -> None:
    entry = entries[MT_ID]
    text = (FIXTURES / f"{MT_ID}.txt").read_bytes().decode("utf-8")
    plain = {key: value.model_dump() for key, value in entry.metadata.items()}
    assert parse_news_article(text, metadata=plain) == parse_news_article(
        text, metadata=entry.metadata
    )


def test_without_metadata_language_defaults_to_english_inferred() -> None:
    article = parse_news_article("Talks Stall\n\nThe talks stalled.\n")
    assert article.language == "en"
    assert [(p.field, p.kind) for p in article.provenance] == [
        ("language", ProvenanceKind.INFERRED)
    ]
    assert article.outlet is None and article.published is None and article.source is None


def test_curated_authors_win_over_the_byline_and_null_ones_do_not() -> None:
    text = "Talks Stall\n\nBy Anna Smirnova\n\nThe talks stalled.\n"
    curated = {"authors": {"value": ["Ivan Petrov"], "kind": "curated", "source_url": "u"}}
    unknown = {"authors": {"value": None, "kind": "curated", "note": "no byline on the page"}}
    assert parse_news_article(text, metadata=curated).authors == ["Ivan Petrov"]
    assert parse_news_article(text, metadata=unknown).authors == ["Anna Smirnova"]


PUBLISHED_CASES = [
    # (catalog value, precision given, (date, precision), where it comes from)
    ("2008-08-29", None, ("2008-08-29", DatePrecision.DAY), "full date"),
    ("2008-08", None, ("2008-08-01", DatePrecision.MONTH), "month only"),
    ("2008", None, ("2008-01-01", DatePrecision.YEAR), "year only"),
    ("2008-08-29", "month", ("2008-08-29", DatePrecision.MONTH), "precision stated"),
]


@pytest.mark.parametrize(
    "value, precision, expected",
    [c[:3] for c in PUBLISHED_CASES],
    ids=[c[3] for c in PUBLISHED_CASES],
)
def test_published_precision(value: str, precision: str | None, expected: tuple) -> None:
    metadata = {"published": {"value": value, "kind": "inferred", "precision": precision}}
    article = parse_news_article("Talks Stall\n\nThe talks stalled.\n", metadata=metadata)
    assert article.published is not None
    assert (article.published.isoformat(), article.published_precision) == expected


METADATA_ERROR_CASES = [
    # (metadata, words in the reason, where it comes from)
    ({"auhtors": {"value": None, "kind": "curated"}}, "unknown catalog field", "typo in a key"),
    ({"outlet": {"value": "X", "kind": "parsed"}}, "expected 'curated' or 'inferred'", "parsed"),
    ({"published": {"value": "29 Aug", "kind": "curated"}}, "must be a date", "bad date"),
    ({"outlet": {"value": 3, "kind": "curated"}}, "must be text", "not text"),
]


@pytest.mark.parametrize(
    "metadata, reason",
    [c[:2] for c in METADATA_ERROR_CASES],
    ids=[c[2] for c in METADATA_ERROR_CASES],
)
def test_bad_metadata(metadata: dict, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as caught:
        parse_news_article("Talks Stall\n\nThe talks stalled.\n", metadata=metadata, source="s")
    assert caught.value.field == "metadata"


def test_curated_title_stands_in_for_a_missing_headline() -> None:
    metadata = {"title": {"value": "Russia Fails", "kind": "curated", "source_url": "u"}}
    article = parse_news_article("DUSHANBE (Reuters) - Russia failed.\n", metadata=metadata)
    assert article.title == "Russia Fails"
    assert article.dateline == "DUSHANBE"
    assert article.paragraphs == ["DUSHANBE (Reuters) - Russia failed."]


ID_CASES = [
    # (metadata, expected id, where it comes from)
    (
        {
            "published": {"value": "2008-08-29", "kind": "inferred"},
            "outlet": {"value": "The Moscow Times", "kind": "curated"},
        },
        "2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe",
        "date, outlet without 'The', title",
    ),
    (None, "medvedev-disappointed-in-dushanbe", "title only"),
]


@pytest.mark.parametrize(
    "metadata, expected", [c[:2] for c in ID_CASES], ids=[c[2] for c in ID_CASES]
)
def test_derived_id(metadata: dict | None, expected: str) -> None:
    text = "Medvedev Disappointed in Dushanbe\n\nMoscow fell short.\n"
    assert parse_news_article(text, metadata=metadata).id == expected


def test_derived_id_falls_back_to_a_hash_for_non_latin_titles() -> None:
    text = "Посол России\n\nТекст.\n"
    expected = "news-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
    assert parse_news_article(text).id == expected


def test_invalid_id_is_a_parse_error() -> None:
    with pytest.raises(ParseError) as caught:
        parse_news_article("Talks Stall\n\nThe talks stalled.\n", id="Not An Id", source="s")
    assert caught.value.field == "id"


# -- data files, docs, determinism ----------------------------------------------------------

DATA_FILES = [
    ("news_credits.csv", "credit", {"AP", "Reuters", "AFP", "ITAR-TASS", "Bloomberg"}),
    ("news_agencies.csv", "alias", {"Reuters", "Interfax", "ITAR-TASS"}),
    ("news_lexicon.csv", "word", {"Minister", "said", "Thursday", "speaking"}),
]


@pytest.mark.parametrize("name, key, required", DATA_FILES, ids=[d[0] for d in DATA_FILES])
def test_data_file_is_packaged_and_every_row_names_a_source(
    name: str, key: str, required: set[str]
) -> None:
    text = files("caucasus_cables").joinpath("parse", name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert required <= {row[key] for row in rows}
    assert all(row["source"].strip() for row in rows)
    assert all(None not in row for row in rows)  # no stray columns from an unquoted comma


def test_module_docstring_examples_run() -> None:
    assert doctest.testmod(news_module).failed == 0


def test_parsing_is_deterministic(entries: dict[str, CatalogEntry]) -> None:
    first = _parse_fixture(EA_ID, entries).model_dump_json()
    assert first == _parse_fixture(EA_ID, entries).model_dump_json()
    assert "/work/" not in first


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "Talks Stall",
                "",
                "APIranian President greeting.",
                '"We are calm," he said.',
                '"Fine," Lavrov said. "Never."',
                "— Will they?",
                "Q: When?",
                "A: Soon.",
                "By Anna Smirnova",
                "DUSHANBE (Reuters) - Russia failed.",
                "Masha Lipman, a political analyst, said so, Reuters reported.",
                'saying: "',
                "Igor Tabakov / MT",
            ]
        )
        | st.text(max_size=40),
        max_size=12,
    )
)
def test_any_text_gives_a_record_or_a_parse_error(lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        article = parse_news_article(text)
    except ParseError as error:
        assert error.message
        return
    assert article.raw_text == text
    assert article.body == "\n\n".join(article.paragraphs)
    assert all(0 <= q.paragraph < len(article.paragraphs) for q in article.quotes)
