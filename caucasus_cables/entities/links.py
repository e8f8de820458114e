"""Links between documents: which cable cites which, and which documents report the same event.

Input is light: any objects with ``id``, ``kind``, ``date``, ``mentions``, ``references`` and
``body`` (:class:`LinkDocument` is one; :meth:`LinkDocument.from_record` makes one from a parsed
``Cable`` or ``NewsArticle``), so this module does not depend on how the parsers work.

- cites / cited_by: each REF entry whose id is a document of the input. The citing body's
  'reftel' (one reference) and 'ref A' / 'reftel B' / '(refs A and B)' (lettered references)
  are resolved to the entry and given as passages.
- same_event: two documents that each state a date (within ``max_days`` of each other) in a
  sentence that also names the same entity, where at least one such entity is an anchor: not a
  country, continent or region, and named in few documents of the input (at most 1 %, or 2).
  The links therefore depend on the input set: give the whole corpus at once.
  08MOSCOW2629's "the Shanghai Cooperation Organization (SCO) during its August 28 summit" and
  The Moscow Times' "Thursday's SCO declaration" (in the paper of Friday 29 August 2008) meet
  on the SCO and 2008-08-28.

Every link is emitted in both directions (cites with cited_by; same_event twice), sorted.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from caucasus_cables.entities.dates import sentence_spans, stated_dates
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
    by_label = {ref.label.upper(): index for index, ref in enumerate(references) if ref.label}
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for match in _REFTEL.finditer(body):
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


def _passage(document: LinkInput, span: tuple[int, int]) -> Passage:
    return Passage(
        document_id=document.id, start=span[0], end=span[1], text=document.body[span[0] : span[1]]
    )


def _citations(documents: dict[str, LinkInput]) -> list[Link]:
    links = []
    for document in documents.values():
        pointers = reftel_passages(document.body, document.references)
        seen: set[str] = set()
        for index, reference in enumerate(document.references):
            cited = documents.get(reference.id or "")
            if cited is None or cited.id == document.id or cited.id in seen:
                continue
            seen.add(cited.id)
            evidence = LinkEvidence(
                reference=reference.raw,
                passages=[_passage(document, span) for span in pointers.get(index, [])],
            )
            links.append(
                Link(
                    from_id=document.id,
                    to_id=cited.id,
                    from_kind=document.kind,
                    to_kind=cited.kind,
                    kind=LinkKind.CITES,
                    evidence=evidence,
                )
            )
            links.append(
                Link(
                    from_id=cited.id,
                    to_id=document.id,
                    from_kind=cited.kind,
                    to_kind=document.kind,
                    kind=LinkKind.CITED_BY,
                    evidence=evidence,
                )
            )
    return links


@dataclass(frozen=True)
class _Sighting:
    """Entity named in a sentence that states a date."""

    document_id: str
    entity_id: str
    date: dt.date
    sentence: tuple[int, int]


def _sightings(document: LinkInput) -> list[_Sighting]:
    if not document.body:
        return []
    sentences = sentence_spans(document.body)
    dates = stated_dates(document.body, document.date)
    found = []
    for first, last in sentences:
        days = {d.date for d in dates if first <= d.start < last}
        named = {
            m.entity_id
            for m in document.mentions
            if m.entity_id is not None and first <= m.start < last
        }
        found.extend(
            _Sighting(document.id, entity_id, day, (first, last))
            for day in sorted(days)
            for entity_id in sorted(named)
        )
    return found


def _anchors(documents: dict[str, LinkInput]) -> set[str]:
    """Entities specific enough to anchor an event: not a country or region, and rare."""
    counts: Counter[str] = Counter()
    for document in documents.values():
        counts.update({m.entity_id for m in document.mentions if m.entity_id is not None})
    limit = max(2, math.ceil(MAX_ANCHOR_SHARE * len(documents)))
    by_id = gazetteer().by_id
    return {
        entity_id
        for entity_id, count in counts.items()
        if count <= limit
        and not (
            entity_id in by_id
            and by_id[entity_id].kind is EntityKind.PLACE
            and by_id[entity_id].type in GENERIC_PLACE_TYPES
        )
    }


def _same_events(documents: dict[str, LinkInput], max_days: int) -> list[Link]:
    index: dict[tuple[str, dt.date], list[_Sighting]] = defaultdict(list)
    by_document = {doc_id: _sightings(doc) for doc_id, doc in documents.items()}
    anchors = _anchors(documents)
    for sightings in by_document.values():
        for sighting in sightings:
            index[(sighting.entity_id, sighting.date)].append(sighting)
    pairs: dict[tuple[str, str], set[tuple[_Sighting, _Sighting]]] = defaultdict(set)
    for doc_id, sightings in by_document.items():
        for mine in sightings:
            for shift in range(-max_days, max_days + 1):
                key = (mine.entity_id, mine.date + dt.timedelta(days=shift))
                for theirs in index.get(key, ()):
                    if theirs.document_id > doc_id:
                        pairs[(doc_id, theirs.document_id)].add((mine, theirs))
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


def find_links(documents: Iterable[LinkInput], *, max_days: int = 1) -> list[Link]:
    """Citation and same-event links among ``documents``, sorted by (from, to, kind).

    ``max_days`` is how far apart two stated dates may be and still be one event (sources
    differ by a day across time zones and late-night reports). Raises ValueError when two
    documents share an id.
    """
    by_id: dict[str, LinkInput] = {}
    for document in documents:
        if document.id in by_id:
            raise ValueError(f"document id {document.id!r} appears twice")
        by_id[document.id] = document
    links = _citations(by_id) + _same_events(by_id, max_days)
    return sorted(links, key=lambda link: (link.from_id, link.to_id, link.kind.value))
