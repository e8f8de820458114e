"""find_links: citations resolved in the corpus, and documents that report the same event."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from caucasus_cables import (
    find_links,
    find_mentions,
    parse_cable,
    parse_news_article,
    read_catalog,
)
from caucasus_cables.entities import LinkDocument
from caucasus_cables.entities.dates import sentence_spans, stated_dates
from caucasus_cables.entities.links import MAX_EVENT_DOCUMENTS, reftel_passages
from caucasus_cables.records import Link, LinkEvidence, LinkKind, Reference

SCO = "org:shanghai-cooperation-organization"
MT_ID = "2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"

# -- dates stated in text --------------------------------------------------------------------

DATE_CASES = [
    # (text, the document's own date, [(date text, ISO date)], where it comes from)
    ("failed to get the support of the SCO during its August 28 summit (reftel)",
     dt.date(2008, 9, 3), [("August 28", "2008-08-28")], "08MOSCOW2629 ¶1"),
    ("Moscow fell short of the diplomatic support it was looking for Thursday,",
     dt.date(2008, 8, 29), [("Thursday", "2008-08-28")], "Moscow Times, Friday paper"),
    ("sanctions against Russia at a special session Monday.",
     dt.date(2008, 8, 29), [("Monday", "2008-09-01")], "Moscow Times, the coming Monday"),
    ("had an hour-long telephone conversation late Wednesday evening",
     dt.date(2008, 8, 29), [("Wednesday", "2008-08-27")], "Moscow Times"),
    ("Russia's recognition of South Ossetia on August 26, 2008 as a sovereign",
     dt.date(2024, 9, 10), [("August 26, 2008", "2008-08-26")], "seed 004, year stated"),
    ("when on the night of August 7-8, 2008, the Georgia has launched",
     dt.date(2024, 9, 10), [("August 7-8, 2008", "2008-08-07")], "seed 004, range"),
    ("September 9 is the next anniversary",
     dt.date(2024, 9, 10), [("September 9", "2024-09-09")], "seed 004, nearest year"),
    ("President Putin will visit Dushanbe October 4-7 to participate",
     dt.date(2007, 10, 3), [("October 4-7", "2007-10-04")], "07MOSCOW4849 ¶1"),
    ("Brussels, 8 August 2008 Dr. Mr. C. Bisogniero",
     dt.date(2008, 8, 11), [("8 August 2008", "2008-08-08")], "08USNATO277, day first"),
    ("E.O. 12958: DECL: 08/31/2017", dt.date(2007, 8, 31), [], "numeric dates are not read"),
    ("O 051544Z DEC 06", dt.date(2006, 12, 5), [], "DTG: all-caps abbreviation is month-year"),
    ("we may march on", dt.date(2008, 1, 1), [], "verbs, not months"),
    ("on Thursday", None, [], "a weekday needs the document's date"),
]  # fmt: skip


@pytest.mark.parametrize(
    "text, anchor, expected", [c[:3] for c in DATE_CASES], ids=[c[3] for c in DATE_CASES]
)
def test_stated_dates(text: str, anchor: dt.date | None, expected) -> None:
    found = stated_dates(text, anchor)
    assert [(d.text, d.date.isoformat()) for d in found] == expected
    for stated in found:
        assert text[stated.start : stated.end] == stated.text


SENTENCE_CASES = [
    ('Popov said the U.S. "knows as well as we do." We assured him.',
     ['Popov said the U.S. "knows as well as we do."', "We assured him."], "07MOSCOW4307 ¶3"),
    ("Classified By: Alice G. Wells. Reason: 1.4 (b, d)",
     ["Classified By: Alice G. Wells.", "Reason: 1.4 (b, d)"], "initials do not end sentences"),
    ("END SUMMARY.\n\n\"Only Moderately Offensive\"",
     ["END SUMMARY.", '"Only Moderately Offensive"'], "blank lines end sentences"),
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected", [c[:2] for c in SENTENCE_CASES], ids=[c[2] for c in SENTENCE_CASES]
)
def test_sentence_spans(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == expected


# -- reftel ---------------------------------------------------------------------------------

ONE = [Reference(raw="MOSCOW 2618", id="08MOSCOW2618")]
LETTERED = [
    Reference(label="A", raw="STATE 137954", id="07STATE137954"),
    Reference(label="B", raw="MOSCOW 3207", id="07MOSCOW3207"),
    Reference(label="C", raw="MOSCOW 3139", id="07MOSCOW3139"),
]
REFTEL_CASES = [
    # (body snippet, references, {reference index: [pointer text]}, source)
    ("during its August 28 summit (reftel).", ONE, {0: ["reftel"]}, "08MOSCOW2629 ¶1"),
    ("his preferred scenario for bringing this about\n\n(reftel).", ONE, {0: ["reftel"]},
     "07MOSCOW4307 ¶6 after a page break"),
    ("as reported (ref B), and reftel A said", LETTERED, {0: ["reftel A"], 1: ["ref B"]},
     "lettered"),
    ("see (ref b) again", LETTERED, {1: ["ref b"]}, "lower-case letter in brackets"),
    ("as (refs A and C) show", LETTERED, {0: ["refs A and C"], 2: ["refs A and C"]}, "two"),
    ("as reftels A-C show", LETTERED, {0: ["reftels A-C"], 1: ["reftels A-C"],
                                       2: ["reftels A-C"]}, "range"),
    ("reftel did not say so", ONE, {0: ["reftel"]}, "next word is not a label"),
    ("REF: MOSCOW 2618", ONE, {}, "the REF line itself"),
    ("as (reftels) show", ONE, {}, "plural without letters"),
    ("as reftel shows", LETTERED, {}, "bare reftel with several references"),
    ("the referendum and a reference", ONE, {}, "not the word"),
]  # fmt: skip


@pytest.mark.parametrize(
    "body, references, expected",
    [c[:3] for c in REFTEL_CASES],
    ids=[c[3] for c in REFTEL_CASES],
)
def test_reftel_passages(body: str, references, expected) -> None:
    found = reftel_passages(body, references)
    assert {k: [body[a:b] for a, b in spans] for k, spans in found.items()} == expected


# -- links among the seeds ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_documents(seeds_dir: Path) -> dict[str, LinkDocument]:
    """Every seed parsed, its mentions found, as LinkDocuments by id."""
    documents = {}
    for entry in read_catalog(seeds_dir).documents:
        text = (seeds_dir / entry.path).read_text(encoding="utf-8")
        if entry.kind.value == "cable":
            record = parse_cable(text, source=entry.path)
            paragraphs = [p.text for p in record.paragraphs]
        else:
            record = parse_news_article(text, metadata=entry.metadata, id=entry.id)
            paragraphs = record.paragraphs
        mentions = find_mentions(record.body, paragraphs=paragraphs, document_id=record.id)
        documents[record.id] = LinkDocument.from_record(record, mentions)
    return documents


def test_sco_summit_links_the_cable_and_the_moscow_times(seed_documents) -> None:
    links = find_links(seed_documents.values())
    same_event = [link for link in links if link.kind is LinkKind.SAME_EVENT]
    assert [(link.from_id, link.to_id) for link in same_event] == [
        ("08MOSCOW2629", MT_ID),
        (MT_ID, "08MOSCOW2629"),
    ]
    first, back = same_event
    assert (first.from_kind, first.to_kind) == ("cable", "news_article")
    assert first.evidence == back.evidence
    evidence = first.evidence
    assert evidence.entities == [SCO]
    assert evidence.dates == [dt.date(2008, 8, 28)]
    assert [(p.document_id, p.text) for p in evidence.passages] == [
        (
            "08MOSCOW2629",
            "This event took on even greater importance after Russia failed to get the support "
            "of the Shanghai Cooperation Organization (SCO) during its August 28 summit (reftel).",
        ),
        (
            MT_ID,
            "Thursday's SCO declaration said, \"The presidents reaffirmed their commitment to "
            "the principles of respect for the historical and cultural traditions of every "
            "country and to efforts aimed at preserving the unity of each state and its "
            'territorial integrity."',
        ),
    ]
    for passage in evidence.passages:
        body = seed_documents[passage.document_id].body
        assert body[passage.start : passage.end] == passage.text


def test_seed_dates_come_from_the_records(seed_documents) -> None:
    assert seed_documents["08MOSCOW2629"].date == dt.date(2008, 9, 3)
    assert seed_documents[MT_ID].date == dt.date(2008, 8, 29)
    assert seed_documents["07MOSCOW4307"].references[0].id == "07MOSCOW4008"


def test_cited_cable_in_the_corpus_is_linked_both_ways(seed_documents) -> None:
    # 07MOSCOW4307 cites 'MOSCOW 4008 (EXDIS)' and points at it with '(reftel)' in ¶6.
    citing = seed_documents["07MOSCOW4307"]
    cited = LinkDocument("07MOSCOW4008", "cable", dt.date(2007, 7, 26))
    links = find_links([citing, cited])
    assert [(link.from_id, link.to_id, link.kind.value) for link in links] == [
        ("07MOSCOW4008", "07MOSCOW4307", "cited_by"),
        ("07MOSCOW4307", "07MOSCOW4008", "cites"),
    ]
    evidence = links[1].evidence
    assert evidence.reference == "MOSCOW 4008 (EXDIS)"
    assert [p.text for p in evidence.passages] == ["reftel"]
    assert citing.body[evidence.passages[0].start - 1 : evidence.passages[0].end + 1] == "(reftel)"


def test_cited_cable_outside_the_input_is_not_linked(seed_documents) -> None:
    assert not [
        link for link in find_links(seed_documents.values()) if link.kind is not LinkKind.SAME_EVENT
    ]


# -- the same-event rule on hand-made documents ------------------------------------------------


def _document(doc_id: str, kind: str, day: dt.date, body: str) -> LinkDocument:
    return LinkDocument(doc_id, kind, day, body, find_mentions(body, document_id=doc_id))


CABLE_BODY = "Russia failed to get the support of the SCO during its August 28 summit."
NEWS_BODY = "Thursday's SCO declaration said nothing of Russia."


def test_same_event_on_hand_made_documents() -> None:
    cable = _document("08MOSCOW2629", "cable", dt.date(2008, 9, 3), CABLE_BODY)
    news = _document("mt", "news_article", dt.date(2008, 8, 29), NEWS_BODY)
    links = find_links([news, cable])
    assert [(link.from_id, link.to_id) for link in links] == [
        ("08MOSCOW2629", "mt"),
        ("mt", "08MOSCOW2629"),
    ]
    assert links[0].evidence.entities == ["org:shanghai-cooperation-organization", "place:russia"]


def test_dates_further_apart_than_max_days_do_not_link() -> None:
    cable = _document("08MOSCOW2629", "cable", dt.date(2008, 9, 3), CABLE_BODY)
    # A Monday paper's 'Thursday' is 2008-08-28 too; a Sunday paper's is 2008-08-28 as well,
    # but a paper of 2 September reads 'Thursday' as 2008-09-04: a week off.
    later = _document("mt", "news_article", dt.date(2008, 9, 2), NEWS_BODY)
    assert find_links([cable, later]) == []
    near = _document(
        "mt", "news_article", dt.date(2008, 8, 29), NEWS_BODY.replace("Thursday", "Friday")
    )
    assert find_links([cable, near], max_days=0) == []
    assert len(find_links([cable, near], max_days=1)) == 2


def test_a_shared_country_alone_is_no_event() -> None:
    one = _document(
        "a", "news_article", dt.date(2008, 9, 3), "Russia said on September 2 it would."
    )
    two = _document("b", "news_article", dt.date(2008, 9, 3), "On September 2 Russia denied it.")
    assert find_links([one, two]) == []


def test_an_entity_most_documents_name_is_no_anchor() -> None:
    # Three documents of three all name the SCO next to the date: over 1 % and over two.
    bodies = [
        "The SCO met on August 28.",
        "On August 28 the SCO met.",
        "The SCO summit, August 28.",
    ]
    documents = [_document(f"d{i}", "cable", dt.date(2008, 9, 1), b) for i, b in enumerate(bodies)]
    assert find_links(documents) == []
    assert len(find_links(documents[:2])) == 2


def test_a_day_too_many_documents_tie_to_an_anchor_makes_no_pairs() -> None:
    # 21 documents name the SCO next to August 28; 2,100 others name nothing, so the SCO is in
    # 1 % of the documents and stays an anchor. Pairing 21 documents would be 420 links saying
    # only that everyone reported that day (MAX_EVENT_DOCUMENTS = 20); 20 are still paired.
    filler = [_document(f"z{i:04d}", "cable", dt.date(2008, 9, 1), "Nothing.") for i in range(2100)]
    sco = [
        _document(f"d{i:02d}", "cable", dt.date(2008, 9, 1), "The SCO met on August 28.")
        for i in range(21)
    ]
    assert MAX_EVENT_DOCUMENTS == 20
    assert find_links(filler + sco) == []
    links = find_links(filler + sco[:20])
    assert len(links) == 20 * 19
    assert {link.kind for link in links} == {LinkKind.SAME_EVENT}


def test_duplicate_ids_are_an_error() -> None:
    document = LinkDocument("07MOSCOW4307", "cable")
    with pytest.raises(ValueError, match="appears twice"):
        find_links([document, document])


def test_link_model_rejects_a_self_link() -> None:
    with pytest.raises(ValueError, match="cannot link to itself"):
        Link(
            from_id="a", to_id="a", from_kind="cable", to_kind="cable", kind="cites",
            evidence=LinkEvidence(),
        )  # fmt: skip


# -- the corpus -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_corpus_same_event_links_are_few_and_about_one_war(corpus_dir: Path) -> None:
    # Bodies from the first numbered paragraph on (the header states transmission dates, not
    # events); each cable's date from index.jsonl.
    dates = {}
    # split("\n"), not splitlines(): subjects hold U+2028 and other line breaks.
    for line in (corpus_dir / "index.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        dates[row["refid"]] = dt.date.fromisoformat(row["date"]) if row["date"] else None
    documents = []
    for path in sorted(corpus_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        first = re.search(r"^\s*(?:¶\s*1|1\.)", text, re.MULTILINE)
        body = text[first.start() :] if first else text
        documents.append(_document(path.stem, "cable", dates.get(path.stem), body))
    links = find_links(documents)
    pairs = {(link.from_id, link.to_id): link for link in links if link.from_id < link.to_id}
    print(f"\n{len(pairs)} same-event pairs: {sorted(pairs)}")
    assert all(link.kind is LinkKind.SAME_EVENT for link in links)
    assert 1 <= len(pairs) <= 10
    # Checked by reading: both describe the night of 7-8 August 2008 in South Ossetia.
    nato = pairs[("08USNATO277", "08USNATO291")].evidence
    assert "place:south-ossetia" in nato.entities
    assert dt.date(2008, 8, 7) in nato.dates
