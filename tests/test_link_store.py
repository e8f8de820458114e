"""The build's links with summaries on disk (LinkCollector) are the links of links_among."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from caucasus_cables import ParseError, parse_cable, parse_news_article, read_catalog
from caucasus_cables.entities.annotate import annotate
from caucasus_cables.entities.link_store import (
    LinkCollector,
    link_entry,
    summary_from_line,
    summary_line,
)
from caucasus_cables.entities.links import LinkSummary, _Ref, links_among
from caucasus_cables.records import LinkKind


def _seed_summaries(seeds_dir: Path) -> list[LinkSummary]:
    summaries = []
    for entry in read_catalog(seeds_dir).documents:
        text = (seeds_dir / entry.path).read_text(encoding="utf-8")
        if entry.kind.value == "cable":
            record = parse_cable(text, source=entry.path)
        else:
            record = parse_news_article(text, metadata=entry.metadata, id=entry.id)
        summaries.append(annotate(record)[1])
    return summaries


def _collected(summaries: list[LinkSummary], path: Path):
    collector = LinkCollector(path)
    for summary in summaries:
        collector.add(link_entry(summary))
    return collector.links()


@pytest.fixture(scope="module")
def corpus_summaries(corpus_dir: Path, seeds_dir: Path) -> list[LinkSummary]:
    summaries = _seed_summaries(seeds_dir)
    seen = {s.id for s in summaries}
    for path in sorted(corpus_dir.glob("*.txt")):
        try:
            record = parse_cable(path.read_text(encoding="utf-8"), id=path.stem)
        except ParseError:
            continue
        if record.id not in seen:
            seen.add(record.id)
            summaries.append(annotate(record)[1])
    return summaries


def test_seed_links_from_disk_equal_links_among(seeds_dir: Path, tmp_path: Path) -> None:
    summaries = _seed_summaries(seeds_dir)
    expected = links_among(summaries)
    # 08MOSCOW2629 and The Moscow Times report the SCO summit of 28 August 2008.
    assert any(link.kind is LinkKind.SAME_EVENT for link in expected)
    assert _collected(summaries, tmp_path / "links.jsonl") == expected


@pytest.mark.slow
def test_corpus_links_from_disk_equal_links_among(corpus_summaries, tmp_path: Path) -> None:
    expected = links_among(corpus_summaries)
    kinds = {link.kind for link in expected}
    # Both kinds occur, so the comparison covers citations and same-event links.
    assert {LinkKind.CITES, LinkKind.CITED_BY, LinkKind.SAME_EVENT} <= kinds
    assert _collected(corpus_summaries, tmp_path / "links.jsonl") == expected


@pytest.mark.slow
def test_only_summaries_with_references_or_sightings_are_written(
    corpus_summaries, tmp_path: Path
) -> None:
    path = tmp_path / "links.jsonl"
    _collected(corpus_summaries, path)
    useful = [s for s in corpus_summaries if s.references or s.sightings]
    assert 0 < len(useful) < len(corpus_summaries)
    assert len(path.read_text(encoding="utf-8").split("\n")) - 1 == len(useful)


def test_summary_line_round_trip(corpus_summaries) -> None:
    for summary in corpus_summaries:
        line = summary_line(summary)
        if line is None:
            assert not summary.references and not summary.sightings
            continue
        # As links_among keeps it: REF entries as (raw, id), no entity set.
        kept = replace(
            summary,
            references=tuple(_Ref(ref.raw, ref.id) for ref in summary.references),
            entities=frozenset(),
        )
        assert summary_from_line(line) == kept


def test_an_id_given_twice_is_an_error(seeds_dir: Path, tmp_path: Path) -> None:
    summary = _seed_summaries(seeds_dir)[0]
    collector = LinkCollector(tmp_path / "links.jsonl")
    collector.add(link_entry(summary))
    with pytest.raises(ValueError, match="appears twice"):
        collector.add(link_entry(summary))
