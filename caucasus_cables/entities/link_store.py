"""Links for a collection of any size: link summaries kept on disk, not in memory.

``links_among`` holds the summaries that can make a link (about seven cables in ten have REF
entries or dated sentences) in memory: ~2 kB a document, 0.5 GB for the 251,287 cables of the
2010 release. The build instead hands each document's summary to a :class:`LinkCollector`:
in memory it keeps only the id, the kind and how many documents name each entity; the rest
goes to a JSON-lines file as one line. :meth:`LinkCollector.links` then reads the file once,
keeping only the documents that can still make a link now that the whole collection is known:

- a REF entry naming a document of the collection (other than itself) can make a citation;
- a sighting of an anchor entity (rare, specific: ``links._anchors``) can make a same-event
  link. Both documents of a same-event link hold a sighting of the same anchor, so a document
  without one is in no such link.

The links are those ``links_among`` gives for the same summaries (``tests/test_link_store.py``).
Workers serialize (:func:`summary_line`), the main process only appends lines.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from caucasus_cables.entities.links import (
    LinkSummary,
    _anchors,
    _joined,
    _Ref,
    _Sighting,
)
from caucasus_cables.records.entities import Link

__all__ = ["LinkCollector", "LinkEntry", "link_entry", "summary_from_line", "summary_line"]


class LinkEntry(NamedTuple):
    """What the main process receives of one document's summary (small, picklable)."""

    id: str
    kind: str
    entities: tuple[str, ...]
    line: str | None
    """The summary as one JSON line (``summary_line``), or None when it has no REF entry
    and no sighting (it cannot make a link itself; it only counts)."""


def link_entry(summary: LinkSummary) -> LinkEntry:
    """The :class:`LinkEntry` of a summary (made in the worker that parsed the document)."""
    return LinkEntry(
        summary.id, summary.kind, tuple(sorted(summary.entities)), summary_line(summary)
    )


def summary_line(summary: LinkSummary) -> str | None:
    """The parts of ``summary`` a link can use, as one line of JSON; None when there are none."""
    if not summary.references and not summary.sightings:
        return None
    data = {
        "id": summary.id,
        "kind": summary.kind,
        "references": [[ref.raw, ref.id] for ref in summary.references],
        "pointers": [
            [index, [list(span) for span in spans]] for index, spans in summary.pointers.items()
        ],
        "sightings": [
            [s.entity_id, s.date.isoformat(), s.sentence[0], s.sentence[1]]
            for s in summary.sightings
        ],
        "texts": [[start, end, text] for (start, end), text in summary.texts.items()],
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def summary_from_line(line: str) -> LinkSummary:
    """The :class:`LinkSummary` a line of ``summary_line`` was made from, as ``links_among``
    keeps it (REF entries reduced to raw text and id, no entity set)."""
    data = json.loads(line)
    doc_id = data["id"]
    return LinkSummary(
        id=doc_id,
        kind=sys.intern(data["kind"]),
        references=tuple(_Ref(raw, ref_id) for raw, ref_id in data["references"]),
        pointers={index: tuple(tuple(span) for span in spans) for index, spans in data["pointers"]},
        sightings=tuple(
            _Sighting(doc_id, entity_id, dt.date.fromisoformat(day), (start, end))
            for entity_id, day, start, end in data["sightings"]
        ),
        texts={(start, end): text for start, end, text in data["texts"]},
    )


class LinkCollector:
    """Collects every document's :class:`LinkEntry`; ``links()`` once all are in.

    Memory: the ids with their kinds and an entity counter (a few tens of MB for 250,000
    documents); summary lines go to ``path``. Raises ValueError when an id comes twice.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("w", encoding="utf-8")
        self._kinds: dict[str, str] = {}
        self._counts: Counter[str] = Counter()

    def add(self, entry: LinkEntry) -> None:
        """Count one document and keep its summary line, if any."""
        if entry.id in self._kinds:
            raise ValueError(f"document id {entry.id!r} appears twice")
        self._kinds[entry.id] = sys.intern(entry.kind)
        self._counts.update(entry.entities)
        if entry.line is not None:
            self._file.write(entry.line + "\n")

    def links(self, *, max_days: int = 1) -> list[Link]:
        """Citation and same-event links among every document added, sorted by (from, to,
        kind): those ``links_among`` gives for the same summaries."""
        self._file.close()
        anchors = _anchors(self._counts, len(self._kinds))
        linking = {summary.id: summary for summary in self._useful(anchors)}
        return _joined(linking, self._kinds, anchors, max_days)

    def _useful(self, anchors: set[str]) -> Iterator[LinkSummary]:
        with self.path.open(encoding="utf-8") as lines:
            for line in lines:
                summary = summary_from_line(line)
                cites = any(
                    ref.id in self._kinds and ref.id != summary.id for ref in summary.references
                )
                if cites or any(s.entity_id in anchors for s in summary.sightings):
                    yield summary
