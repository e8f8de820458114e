"""Links between documents: which cable cites which, and which documents report the same event.

Input is light: any objects with ``id``, ``kind``, ``date``, ``mentions``, ``references`` and
``body`` (:class:`LinkDocument` is one; :meth:`LinkDocument.from_record` makes one from a parsed
``Cable`` or ``NewsArticle``), so this module does not depend on how the parsers work.

- cites / cited_by: each REF entry whose id is a document of the input. The citing body's
  'reftel' (one reference) and 'ref A' / 'reftel B' / '(refs A and B)' (lettered references)
  are resolved to the entry and given as passages.
- same_event: two documents that each state a date (within ``max_days`` of each other) in a
  sentence that also names the same entity, where at least one such entity is an anchor: not a
  country, continent or region, and named in few documents of the input (at most 1 %, or 2);
  and not on a day more than 20 documents tie to that anchor (an event everyone reported).
  The links therefore depend on the input set: give the whole corpus at once.
  08MOSCOW2629's "the Shanghai Cooperation Organization (SCO) during its August 28 summit" and
  The Moscow Times' "Thursday's SCO declaration" (in the paper of Friday 29 August 2008) meet
  on the SCO and 2008-08-28.

Every link is emitted in both directions (cites with cited_by; same_event twice), sorted.

For a collection of any size, :func:`summarize` reduces each document to what the links need
(its REF entries with the 'reftel' passages that point at them, and the entity-date sightings
with their sentences) right after it is parsed; :func:`links_among` then joins the summaries,
so no body is held in memory. ``find_links(docs) == links_among(map(summarize, docs))``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, partial
from typing import NamedTuple, Protocol

from caucasus_cables.entities.dates import sentence_at, stated_dates_near
from caucasus_cables.entities.gazetteer import gazetteer
from caucasus_cables.records.cable import Cable, Reference
from caucasus_cables.records.entities import (
    DocumentKindName,
    EntityKind,
    Link,
    LinkEvidence,
    LinkKind,
    Mention,
    Passage,
)
from caucasus_cables.records.news import DatePrecision, NewsArticle

# Entities too broad to make two documents 'about the same event' on their own.
GENERIC_PLACE_TYPES = frozenset({"country", "continent", "region"})

# An anchor entity must also be rare in the input: named in at most this share of the documents
# (or in two, for small inputs). Over the development corpus the EU, the UN or Washington
# appear next to some date in hundreds of cables; the SCO in three.
MAX_ANCHOR_SHARE = 0.01

# Nor does a day that many documents tie to the same anchor: beyond this many documents naming
# it with that date, it is an event everyone reported, and pairing them all would add links by
# the square of their number (at Cablegate size, hundreds of thousands) that say only that.
# The development corpus and the seeds have no such day (at most a handful of documents).
MAX_EVENT_DOCUMENTS = 20

# "reftel", "ref A", "REFTEL B", "(ref a)", "refs A and B", "reftels A-C"; not "REF:" lines.
# A lower-case letter is a label only before ')': "(ref b)", not "ref a new approach".
_LABEL = r"(?:[A-Z](?!\w)|[a-z](?=\)))"
_REFTEL = re.compile(
    rf"(?<![\w/])(?P<word>(?i:reftels?|refs?))(?![\w:])"
    rf"(?:\s*\((?P<plabel>[A-Za-z])\)"
    rf"|\s+(?P<labels>{_LABEL}(?:\s*(?:,|and|&|-|–)\s*{_LABEL})*))?"
)


class LinkInput(Protocol):
    """What ``find_links`` reads from each document."""

    id: str
    kind: DocumentKindName
    date: dt.date | None
    body: str
    mentions: Sequence[Mention]
    references: Sequence[Reference]


@dataclass(frozen=True)
class LinkDocument:
    """A document as ``find_links`` sees it.

    ``date`` is the document's own date (a cable's DTG day, an article's publication day),
    used to read 'Thursday' and 'August 28'; ``references`` are a cable's REF entries.
    """

    id: str
    kind: DocumentKindName
    date: dt.date | None = None
    body: str = ""
    mentions: Sequence[Mention] = ()
    references: Sequence[Reference] = ()

    @classmethod
    def from_record(cls, record: Cable | NewsArticle, mentions: Sequence[Mention]) -> LinkDocument:
        """The link view of a parsed cable or article and the mentions found in its body."""
        if isinstance(record, Cable):
            day = record.created.date() if record.created is not None else None
            return cls(
                record.id, "cable", day, record.body, tuple(mentions), tuple(record.references)
            )
        exact = record.published_precision is DatePrecision.DAY
        return cls(
            record.id,
            "news_article",
            record.published if exact else None,
            record.body,
            tuple(mentions),
        )


def _labels(match: re.Match[str]) -> list[str]:
    if match["plabel"]:
        return [match["plabel"].upper()]
    if not match["labels"]:
        return []
    items = re.findall(r"[A-Za-z]|[-–]", match["labels"].replace("and", ",").upper())
    labels: list[str] = []
    for index, item in enumerate(items):
        if item in "-–" and labels and index + 1 < len(items):
            # "A-C": the letters between the two ends; the end itself comes next in the loop.
            labels.extend(chr(code) for code in range(ord(labels[-1]) + 1, ord(items[index + 1])))
        elif item not in "-–":
            labels.append(item)
    return labels


def reftel_passages(body: str, references: Sequence[Reference]) -> dict[int, list[tuple[int, int]]]:
    """Index of the REF entry -> spans in ``body`` that point at it ('reftel', 'ref B').

    A bare 'reftel' / 'ref' points at the only reference and is ignored when there are several;
    a lettered one at the entry with that label.

    >>> refs = [Reference(raw="MOSCOW 2618", id="08MOSCOW2618")]
    >>> reftel_passages("its August 28 summit (reftel).", refs)
    {0: [(22, 28)]}
    """
    if not references:  # nothing to point at
        return {}
    by_label = {ref.label.upper(): index for index, ref in enumerate(references) if ref.label}
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for match in _reftel_matches(body):
        labels = _labels(match)
        if labels:
            targets = [by_label[label] for label in labels if label in by_label]
        elif len(references) == 1 and not match["word"].lower().endswith("s"):
            targets = [0]
        else:
            targets = []
        for target in targets:
            found[target].append(match.span())
    return dict(found)


def _reftel_matches(body: str) -> Iterator[re.Match[str]]:
    """``_REFTEL.finditer(body)``, trying ``_REFTEL`` only where 'ref' is written in any case.

    Every match starts with 'ref' (``(?i)`` folds no other character to r, e or f), which
    ``find`` finds in a lower-cased copy much faster than the engine tries a look-behind at
    every position. The copy is of the Latin-1 bytes when the body has no wider character
    (``bytes.lower`` only lowers ASCII letters, which is all 'ref' needs, and is cheap).
    """
    find: Callable[[int], int]
    try:
        find = partial(body.encode("latin-1").lower().find, b"ref")
    except UnicodeEncodeError:
        lowered = body.lower()
        if len(lowered) != len(body):  # a letter lowered to two ('İ'): offsets would shift
            yield from _REFTEL.finditer(body)
            return
        find = partial(lowered.find, "ref")
    start = find(0)
    while start >= 0:
        match = _REFTEL.match(body, start)
        if match is not None:
            yield match
            start = find(match.end())
        else:
            start = find(start + 1)


@dataclass(frozen=True)
class _Sighting:
    """Entity named in a sentence that states a date."""

    document_id: str
    entity_id: str
    date: dt.date
    sentence: tuple[int, int]


@dataclass(frozen=True)
class LinkSummary:
    """What :func:`links_among` needs of one document: small, picklable, no body.

    ``pointers`` maps the index of a REF entry to the spans of the body that point at it
    ('reftel', 'ref B'); ``sightings`` are the (entity, stated date, sentence) triples;
    ``texts`` holds the body text of every span used (the passages of the evidence);
    ``entities`` are the ids of every resolved mention (to tell rare entities from common ones).
    """

    id: str
    kind: DocumentKindName
    references: tuple[Reference, ...] = ()
    pointers: Mapping[int, tuple[tuple[int, int], ...]] = field(default_factory=dict)
    sightings: tuple[_Sighting, ...] = ()
    texts: Mapping[tuple[int, int], str] = field(default_factory=dict)
    entities: frozenset[str] = frozenset()


def summarize(document: LinkInput) -> LinkSummary:
    """The :class:`LinkSummary` of one document (pure; cheap next to parsing it)."""
    pointers = {
        index: tuple(spans)
        for index, spans in reftel_passages(document.body, document.references).items()
    }
    # Only a sentence naming a possible anchor (not a country or region) can tie two
    # documents; ``_sightings`` reads no other, which keeps summaries small and changes no link.
    sightings = tuple(_sightings(document))
    spans = {span for spans in pointers.values() for span in spans}
    spans |= {sighting.sentence for sighting in sightings}
    return LinkSummary(
        id=document.id,
        kind=document.kind,
        references=tuple(document.references),
        pointers=pointers,
        sightings=sightings,
        texts={span: document.body[span[0] : span[1]] for span in sorted(spans)},
        entities=frozenset(m.entity_id for m in document.mentions if m.entity_id is not None),
    )


def _passage(document: LinkSummary, span: tuple[int, int]) -> Passage:
    return Passage(document_id=document.id, start=span[0], end=span[1], text=document.texts[span])


class _Ref(NamedTuple):
    """What a link needs of a REF entry (a pydantic ``Reference`` costs ten times more)."""

    raw: str
    id: str | None


def _citations(documents: dict[str, LinkSummary], kinds: Mapping[str, str]) -> list[Link]:
    links = []
    for document in documents.values():
        seen: set[str] = set()
        for index, reference in enumerate(document.references):
            cited_id = reference.id or ""
            cited_kind = kinds.get(cited_id)
            if cited_kind is None or cited_id == document.id or cited_id in seen:
                continue
            seen.add(cited_id)
            evidence = LinkEvidence(
                reference=reference.raw,
                passages=[_passage(document, span) for span in document.pointers.get(index, ())],
            )
            links.append(
                Link(
                    from_id=document.id,
                    to_id=cited_id,
                    from_kind=document.kind,
                    to_kind=cited_kind,
                    kind=LinkKind.CITES,
                    evidence=evidence,
                )
            )
            links.append(
                Link(
                    from_id=cited_id,
                    to_id=document.id,
                    from_kind=cited_kind,
                    to_kind=document.kind,
                    kind=LinkKind.CITED_BY,
                    evidence=evidence,
                )
            )
    return links


def _sightings(document: LinkInput) -> list[_Sighting]:
    """(entity, date) for every entity named and date stated in a sentence that states a date
    and names a possible anchor (an entity that is not generic), in text order, then by date
    and entity id.

    Only such sentences are looked for: none when no resolved mention is a possible anchor,
    else the sentence around each date stated near one (``stated_dates_near``, ``sentence_at``),
    so the body is never split whole.
    """
    named = sorted((m.start, m.entity_id) for m in document.mentions if m.entity_id is not None)
    anchors = [start for start, entity_id in named if not _generic(entity_id)]
    if not document.body or not anchors:
        return []
    starts = [start for start, _ in named]
    by_sentence: dict[tuple[int, int], set[dt.date]] = {}
    sentence = (0, 0)
    for stated in stated_dates_near(document.body, document.date, anchors):
        # Dates come in text order: one after the current sentence opens the next.
        if stated.start >= sentence[1]:
            sentence = sentence_at(document.body, stated.start)
        by_sentence.setdefault(sentence, set()).add(stated.date)
    found = []
    for (first, last), days in by_sentence.items():
        entity_ids = {
            entity_id
            for _, entity_id in named[bisect_left(starts, first) : bisect_left(starts, last)]
        }
        if all(_generic(entity_id) for entity_id in entity_ids):
            continue
        found.extend(
            _Sighting(document.id, entity_id, day, (first, last))
            for day in sorted(days)
            for entity_id in sorted(entity_ids)
        )
    return found


def _generic(entity_id: str) -> bool:
    """A country, continent or region: never enough alone to make an event."""
    return entity_id in _generic_ids()


@cache
def _generic_ids() -> frozenset[str]:
    """Ids of the gazetteer's countries, continents and regions."""
    return frozenset(
        entity.id
        for entity in gazetteer().entities
        if entity.kind is EntityKind.PLACE and entity.type in GENERIC_PLACE_TYPES
    )


def _anchors(counts: Counter[str], documents: int) -> set[str]:
    """Entities specific enough to anchor an event: not a country or region, and rare
    (``counts``: in how many of the ``documents`` each entity is named)."""
    limit = max(2, math.ceil(MAX_ANCHOR_SHARE * documents))
    return {
        entity_id
        for entity_id, count in counts.items()
        if count <= limit and not _generic(entity_id)
    }


def _same_events(documents: dict[str, LinkSummary], anchors: set[str], max_days: int) -> list[Link]:
    pairs = {
        pair: _matches(documents[pair[0]], documents[pair[1]], max_days)
        for pair in _anchored_pairs(documents, anchors, max_days)
    }
    links = []
    for (first_id, second_id), all_matched in sorted(pairs.items()):
        # The event is anchored by specific entities; a country shared by the same two sentences
        # joins the evidence, a country shared elsewhere in the documents does not.
        anchored = {(m.sentence, t.sentence) for m, t in all_matched if m.entity_id in anchors}
        if not anchored:
            continue
        matched = {(m, t) for m, t in all_matched if (m.sentence, t.sentence) in anchored}
        shared = sorted({mine.entity_id for mine, _ in matched})
        first, second = documents[first_id], documents[second_id]
        spans = {(first_id, mine.sentence) for mine, _ in matched}
        spans |= {(second_id, theirs.sentence) for _, theirs in matched}
        evidence = LinkEvidence(
            entities=shared,
            dates=sorted({s.date for pair in matched for s in pair}),
            passages=[_passage(documents[doc_id], span) for doc_id, span in sorted(spans)],
        )
        for one, other in ((first, second), (second, first)):
            links.append(
                Link(
                    from_id=one.id,
                    to_id=other.id,
                    from_kind=one.kind,
                    to_kind=other.kind,
                    kind=LinkKind.SAME_EVENT,
                    evidence=evidence,
                )
            )
    return links


def _anchored_pairs(
    documents: dict[str, LinkSummary], anchors: set[str], max_days: int
) -> set[tuple[str, str]]:
    """(first id, second id), first < second, of the documents that name the same anchor
    with dates at most ``max_days`` apart, outside crowded days (``MAX_EVENT_DOCUMENTS``).

    Only anchor sightings are indexed: a pair needs one, and other sightings (a country, a
    common name) only join the evidence of a pair found. Indexing every sighting made the
    pairs of every name shared on a day: tens of millions at 250,000 cables.
    """
    index: dict[tuple[str, dt.date], list[_Sighting]] = defaultdict(list)
    for document in documents.values():
        for sighting in document.sightings:
            if sighting.entity_id in anchors:
                index[(sighting.entity_id, sighting.date)].append(sighting)
    crowded = {
        key
        for key, found in index.items()
        if len({s.document_id for s in found}) > MAX_EVENT_DOCUMENTS
    }
    pairs: set[tuple[str, str]] = set()
    for (entity_id, day), found in index.items():
        if (entity_id, day) in crowded:
            continue
        for shift in range(-max_days, max_days + 1):
            key = (entity_id, day + dt.timedelta(days=shift))
            if key in crowded:
                continue
            for mine in found:
                for theirs in index.get(key, ()):
                    if theirs.document_id > mine.document_id:
                        pairs.add((mine.document_id, theirs.document_id))
    return pairs


def _matches(
    first: LinkSummary, second: LinkSummary, max_days: int
) -> set[tuple[_Sighting, _Sighting]]:
    """Every (sighting of ``first``, sighting of ``second``) of one entity at most
    ``max_days`` apart."""
    return {
        (mine, theirs)
        for mine in first.sightings
        for theirs in second.sightings
        if mine.entity_id == theirs.entity_id and abs((mine.date - theirs.date).days) <= max_days
    }


def links_among(summaries: Iterable[LinkSummary], *, max_days: int = 1) -> list[Link]:
    """Citation and same-event links among the summarised documents, sorted by (from, to,
    kind). Raises ValueError when two summaries share an id.

    Only what the links need is kept while reading ``summaries`` (a stream is fine): every
    id with its kind, how many documents name each entity, and the summaries that can make a
    link (with REF entries or sightings), without their entity sets.
    """
    kinds: dict[str, str] = {}
    counts: Counter[str] = Counter()
    linking: dict[str, LinkSummary] = {}
    for summary in summaries:
        if summary.id in kinds:
            raise ValueError(f"document id {summary.id!r} appears twice")
        kinds[summary.id] = sys.intern(summary.kind)
        counts.update(summary.entities)
        if summary.references or summary.sightings:
            linking[summary.id] = replace(
                summary,
                kind=kinds[summary.id],
                references=tuple(_Ref(ref.raw, ref.id) for ref in summary.references),
                entities=frozenset(),
            )
    return _joined(linking, kinds, _anchors(counts, len(kinds)), max_days)


def _joined(
    linking: dict[str, LinkSummary], kinds: Mapping[str, str], anchors: set[str], max_days: int
) -> list[Link]:
    """Citation and same-event links among ``linking`` (every id's kind in ``kinds``), sorted
    by (from, to, kind)."""
    links = _citations(linking, kinds) + _same_events(linking, anchors, max_days)
    return sorted(links, key=lambda link: (link.from_id, link.to_id, link.kind.value))


def find_links(documents: Iterable[LinkInput], *, max_days: int = 1) -> list[Link]:
    """Citation and same-event links among ``documents``, sorted by (from, to, kind).

    ``max_days`` is how far apart two stated dates may be and still be one event (sources
    differ by a day across time zones and late-night reports). Raises ValueError when two
    documents share an id.
    """
    return links_among(map(summarize, documents), max_days=max_days)
