"""Parse a plain-text news article (report or interview) into a :class:`NewsArticle`.

The texts are what a reader copies out of a web page: no markup, a headline, maybe a photo
caption, paragraphs one per line or separated by blank lines. Nothing here knows a particular
outlet; the rules are shapes that plain-text news takes, and word lists (photo credits,
agencies, office titles, verbs of saying) are CSV files beside this module, so a new outlet
usually needs a row, not code.

Layout (``_news_layout``):

- Paragraphs are non-blank lines; hard-wrapped text (no line over 100 characters, most lines
  filling the width) is unwrapped block by block first. Whitespace runs collapse to one space.
- Title: the first line when it reads as a headline (at most 30 words, no full stop unless at
  most 12 words). A longer sentence (up to 70 words) is a lead: the text has no headline, so a
  curated catalog ``title`` is used, else the lead stands as the title (a ``parsed`` provenance
  entry says so). A first line that is a byline, dateline, caption, interview turn, starts
  mid-sentence or is longer than a lead means the text has no title: ParseError.
- Byline: ``By Name[, Name and Name][, Staff Writer]`` among the first four paragraphs or as the
  last; role words and outlets are dropped. Paragraphs above a byline are the dek (``lead``).
  ``Interview by Name`` names the interviewer.
- Captions: a known credit glued to the caption (``APIranian President ...``; the next word must
  be Capitalised, so ``APEC leaders`` stays whole), ``Name / MT`` before or after the caption,
  ``Photo: X`` / ``Photo by X`` / a known credit after it. ``paragraph`` is the index of the
  body paragraph the caption precedes.
- Interviews: turns open with a dash (``—``, ``–``, ``-``) and alternate question/answer, or
  carry ``Q:``/``A:``; paragraphs without a marker continue the turn. Dash turns count only
  when at least half the questions contain "?". Paragraphs before the first turn are the
  lead; the interviewee is the first name in the lead marked as such ("The Russian
  Ambassador to South Ossetia, Marat Kulakhmetov, ... said"); the interviewer is unknown
  unless the text or the catalog says. A text with turns is genre ``interview``, otherwise
  ``report``.
- Dateline: ``DUSHANBE (Reuters) -`` / ``TBILISI, Georgia (AP) —`` / ``MOSCOW —`` opening one of
  the first body paragraphs; paragraphs above it are the lead. Paragraph text is kept as written.

Speech (``_news_speech``):

- Quotes are quoted spans ("...", “...”, «...») attributed after the quote ('"...," Lipman
  said', '"...," said X'), before it in the same sentence ('X said, "..."', 'saying: "..."',
  'told journalists that "..."', 'called on Europe "..."'), or continuing an attributed quote
  in the same paragraph. Unattributed spans (scare quotes, names) are not quotes; a quote
  left open across paragraphs (no closing mark) is not recognised.
- Speakers: names lose office titles ("Foreign Minister Sergei Lavrov" -> "Sergei Lavrov");
  a surname resolves to its first full mention; "he"/"she" to the last named speaker; an
  organisation is kept as written ("SCO declaration"); an agency in '"...," Reuters reported'
  is a citation, not the speaker.
- Agencies cited: the dateline's agency, then "X reported", "told X", "according to X",
  "X news agency", by canonical name, each once.

Catalog facts (``_news_catalog``): outlet, url, authors, published (+ precision), language,
translated_from, interviewer and title come from the catalog entry's ``metadata``, each listed
in ``provenance`` with its kind, source_url and note. A non-null catalog value wins; the text
(a byline, an ``Interview by`` line) fills a null or missing one as ``parsed``; ``language``
defaults to ``en`` (``inferred``). An interviewer for a text that is not an interview is not
recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from caucasus_cables.errors import ParseError
from caucasus_cables.parse._news_catalog import Fact, catalog_facts, derive_id
from caucasus_cables.parse._news_layout import Layout, check_text, read_layout
from caucasus_cables.parse._news_speech import agencies, interviewee, mentions, quotes
from caucasus_cables.records.common import ProvenanceKind, Source
from caucasus_cables.records.news import (
    FieldProvenance,
    Genre,
    Interview,
    InterviewTurn,
    NewsArticle,
    TurnRole,
)

DEFAULT_LANGUAGE = "en"
# Fields only the catalog can fill (the text never states them).
_CATALOG_ONLY = ("outlet", "url", "published", "translated_from")


def parse_news_article(
    text: str,
    *,
    metadata: Mapping[str, Any] | None = None,
    source: str | None = None,
    id: str | None = None,
    record_source: Source | None = None,
) -> NewsArticle:
    """Parse one plain-text news article; ``metadata`` is its catalog entry's ``metadata``.

    ``source`` names the input in error messages (default: ``record_source.path``);
    ``record_source`` is stored on the record; ``id`` defaults to a slug of date, outlet and
    title. Raises ParseError (with source, line and reason) for an empty or binary-looking
    text, a text with no title or no body, bad catalog metadata, or an invalid id.

    >>> article = parse_news_article(
    ...     'Lavrov Rejects Sanctions\\n\\n"It is a sick idea," Foreign Minister Sergei '
    ...     'Lavrov said.\\n\\n"We will answer," he said, Interfax reported.'
    ... )
    >>> article.title, article.genre.value, article.agencies_cited
    ('Lavrov Rejects Sanctions', 'report', ['Interfax'])
    >>> [(q.speaker, q.paragraph) for q in article.quotes]
    [('Sergei Lavrov', 0), ('Sergei Lavrov', 1)]
    """
    where = source if source is not None else (record_source.path if record_source else None)
    try:
        return _parse(text, metadata, id, record_source)
    except ParseError as exc:
        exc.with_source(where)
        raise


def _parse(
    text: str,
    metadata: Mapping[str, Any] | None,
    article_id: str | None,
    record_source: Source | None,
) -> NewsArticle:
    clean = check_text(text)
    facts = catalog_facts(metadata)
    curated_title = facts.get("title")
    layout = read_layout(clean, has_curated_title=bool(curated_title and curated_title.value))
    title, title_provenance = _title(layout, curated_title)
    paragraphs = [unit.text for unit in layout.paragraphs]
    lead = [layout.lead] if layout.lead else []
    known = mentions([title, *lead, *(c.text for c in layout.captions), *paragraphs])
    interview, interview_provenance = _interview(layout, facts.get("interview.interviewer"), title)
    authors, authors_provenance = _from_catalog_or_text(
        facts.get("authors"), layout.authors, "authors", f"from the byline {layout.byline!r}"
    )
    language, language_provenance = _language(facts.get("language"))
    outlet = _value(facts, "outlet")
    published = _value(facts, "published")
    provenance = [
        title_provenance,
        interview_provenance,
        authors_provenance,
        language_provenance,
        *(facts[f].provenance for f in _CATALOG_ONLY if f in facts),
    ]
    fields = dict(
        id=article_id if article_id is not None else derive_id(published, outlet, title, text),
        title=title,
        genre=Genre.INTERVIEW if interview is not None else Genre.REPORT,
        outlet=outlet,
        url=_value(facts, "url"),
        authors=authors or [],
        published=published,
        published_precision=facts["published"].precision if published else None,
        language=language,
        translated_from=_value(facts, "translated_from"),
        provenance=sorted((p for p in provenance if p is not None), key=lambda p: p.field),
        dateline=layout.dateline,
        byline=layout.byline,
        lead=layout.lead,
        captions=layout.captions,
        paragraphs=paragraphs,
        body="\n\n".join(paragraphs),
        quotes=quotes(paragraphs, known),
        agencies_cited=agencies([*lead, *paragraphs], layout.dateline_agency),
        interview=interview,
        source=record_source,
        raw_text=text,
    )
    return _build(fields)


def _value(facts: dict[str, Fact], field: str) -> Any:
    fact = facts.get(field)
    return fact.value if fact is not None else None


def _title(layout: Layout, curated: Fact | None) -> tuple[str, FieldProvenance | None]:
    # A curated title wins; else the headline; else the lead on the first line stands for it
    # (read_layout has already refused a text whose first line can be neither).
    if curated is not None and curated.value:
        return curated.value, curated.provenance
    if layout.headline is not None:
        return layout.headline, None
    note = "The text has no headline; its first line, the lead, stands as the title."
    return layout.first_line.text, FieldProvenance(
        field="title", kind=ProvenanceKind.PARSED, note=note
    )


def _from_catalog_or_text(
    fact: Fact | None, parsed: Any, field: str, note: str
) -> tuple[Any, FieldProvenance | None]:
    # A non-null catalog value wins; the text fills a null or missing one.
    if fact is not None and fact.value:
        return fact.value, fact.provenance
    if parsed:
        return parsed, FieldProvenance(field=field, kind=ProvenanceKind.PARSED, note=note)
    if fact is not None:
        return fact.value, fact.provenance
    return None, None


def _language(fact: Fact | None) -> tuple[str, FieldProvenance]:
    if fact is not None and fact.value:
        return fact.value, fact.provenance
    note = f"No language in the catalog; the parser assumes {DEFAULT_LANGUAGE!r}."
    return DEFAULT_LANGUAGE, FieldProvenance(
        field="language", kind=ProvenanceKind.INFERRED, note=note
    )


def _interview(
    layout: Layout, curated: Fact | None, title: str
) -> tuple[Interview | None, FieldProvenance | None]:
    if not layout.turns:
        return None, None
    asker, provenance = _from_catalog_or_text(
        curated,
        layout.interviewer,
        "interview.interviewer",
        f"from the line {layout.interviewer_line!r}",
    )
    person = interviewee([layout.lead or "", title])
    turns = [
        InterviewTurn(role=role, speaker=person if role is TurnRole.ANSWER else asker, text=text)
        for role, text in layout.turns
    ]
    return Interview(interviewer=asker, interviewee=person, turns=turns), provenance


def _build(fields: dict[str, Any]) -> NewsArticle:
    try:
        return NewsArticle(**fields)
    except ValidationError as exc:
        error = exc.errors()[0]
        where = ".".join(str(part) for part in error["loc"])
        raise ParseError(
            f"{error['msg']} (got {error.get('input')!r})", field=where or None
        ) from exc
