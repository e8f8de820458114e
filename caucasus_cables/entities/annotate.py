"""The build's entity step: mentions onto a parsed record, and its summary for the links.

Mentions are computed here, after parsing and in the same worker, rather than in
``parse_cable`` / ``parse_news_article``: the parsers stay pure readers of one text, and the
gazetteer (the packaged CSV files) can change in a MINOR release without touching them.
``annotate`` is what the build calls for every parsed record; ``LinkSummary`` is the small
part of the record that ``links_among`` needs once every document has been seen, and
``entity_tables`` makes the ``entities`` and ``links`` tables at the end of the build (the
``mentions`` table is flattened from the records as they are written).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from caucasus_cables.checks import check_tables
from caucasus_cables.entities.gazetteer import entities
from caucasus_cables.entities.links import LinkDocument, LinkSummary, summarize
from caucasus_cables.entities.mentions import find_mentions
from caucasus_cables.records.cable import Cable
from caucasus_cables.records.entities import DocumentKindName, Link, Mention
from caucasus_cables.records.news import NewsArticle
from caucasus_cables.tables import entities_table, links_table

__all__ = ["annotate", "document_kind", "entity_tables", "record_mentions"]


def document_kind(record: Cable | NewsArticle) -> DocumentKindName:
    """'cable' or 'news_article'."""
    return "cable" if isinstance(record, Cable) else "news_article"


def _paragraph_texts(record: Cable | NewsArticle) -> list[str]:
    if isinstance(record, Cable):
        return [paragraph.text for paragraph in record.paragraphs]
    return list(record.paragraphs)


def record_mentions(record: Cable | NewsArticle) -> list[Mention]:
    """The mentions in a record's ``body``, each carrying the record's id and kind.

    Paragraph numbers index the record's ``paragraphs``; when a paragraph cannot be found in
    the body (a parser repair changed its text), mentions get ``paragraph`` None rather than an
    index that might be wrong.
    """
    kind = document_kind(record)
    try:
        return find_mentions(
            record.body,
            paragraphs=_paragraph_texts(record),
            document_id=record.id,
            document_kind=kind,
        )
    except ValueError:
        found = find_mentions(record.body, document_id=record.id, document_kind=kind)
        return [mention.model_copy(update={"paragraph": None}) for mention in found]


def annotate(record: Cable | NewsArticle) -> tuple[Cable | NewsArticle, LinkSummary]:
    """The record with its ``mentions`` filled in, and its summary for ``links_among``.

    >>> from caucasus_cables.records import Cable
    >>> cable = Cable(id="08MOSCOW1", station="MOSCOW", body="Kokoity met Popov.", raw_text="")
    >>> annotated, summary = annotate(cable)
    >>> [(m.text, m.entity_id) for m in annotated.mentions]
    [('Kokoity', 'person:eduard-kokoity'), ('Popov', None)]
    >>> summary.id, sorted(summary.entities)
    ('08MOSCOW1', ['person:eduard-kokoity'])
    """
    mentions = record_mentions(record)
    annotated = record.model_copy(update={"mentions": mentions})
    return annotated, summarize(LinkDocument.from_record(annotated, mentions))


def entity_tables(links: Iterable[Link]) -> dict[str, pa.Table]:
    """The ``entities`` table (the packaged gazetteer) and the ``links`` table of ``links``
    (from ``links_among`` or the build's ``link_store.LinkCollector``), both checked
    (``checks.check_tables``: raises IntegrityError on a broken rule).
    """
    tables = {"entities": entities_table(entities()), "links": links_table(list(links))}
    return dict(check_tables(tables))
