"""Record models: frozen, strict about unknown fields and enum values, UTC-only datetimes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pydantic
import pytest

from caucasus_cables import Cable, Classification, NewsArticle, Precedence
from caucasus_cables.records import (
    ClassifiedBy,
    Declassification,
    Genre,
    IdSource,
    Paragraph,
    Recipient,
    RecipientRole,
    Reference,
    Source,
)

SHA = "0" * 64


def minimal_cable(**overrides) -> Cable:
    fields = dict(id="07MOSCOW4307", station="MOSCOW", body="text", raw_text="raw")
    fields.update(overrides)
    return Cable(**fields)


def minimal_article(**overrides) -> NewsArticle:
    fields = dict(
        id="2008-08-29-moscow-times-x",
        title="T",
        genre="report",
        language="en",
        body="b",
        raw_text="r",
    )
    fields.update(overrides)
    return NewsArticle(**fields)


def test_minimal_cable_defaults() -> None:
    cable = minimal_cable()
    assert cable.id_source is IdSource.TEXT
    assert cable.recipients == [] and cable.tags == [] and cable.parse_notes == []
    assert cable.year == 2007


def test_full_cable_round_trips_through_json() -> None:
    cable = minimal_cable(
        precedence="IMMEDIATE",
        created=datetime(2007, 8, 31, 13, 51, tzinfo=timezone.utc),
        classification="CONFIDENTIAL",
        caveats=["SIPDIS"],
        recipients=[
            Recipient(
                role="to",
                name="SECSTATE WASHDC",
                routing_indicator="RUEHC",
                precedence="IMMEDIATE",
                mcn=3484,
            )
        ],
        declassification=Declassification(
            executive_order="12958", date=date(2017, 8, 31), raw="E.O. 12958: DECL: 08/31/2017"
        ),
        classified_by=ClassifiedBy(name="Alice G. Wells", reasons=["1.4(b)", "1.4(d)"], raw="x"),
        references=[
            Reference(label=None, raw="MOSCOW 4008 (EXDIS)", id="07MOSCOW4008", note="EXDIS")
        ],
        paragraphs=[Paragraph(number=1, classification="C", classification_raw="(C)", text="t")],
        source=Source(path="cables/07MOSCOW4307.txt", sha256=SHA),
    )
    again = Cable.model_validate_json(cable.model_dump_json())
    assert again == cable
    assert again.precedence is Precedence.IMMEDIATE
    assert again.classification is Classification.CONFIDENTIAL
    assert again.recipients[0].role is RecipientRole.TO


def test_records_are_frozen() -> None:
    cable = minimal_cable()
    with pytest.raises(pydantic.ValidationError):
        cable.id = "07MOSCOW1"


@pytest.mark.parametrize(
    "factory, extra",
    [(minimal_cable, {"colour": "red"}), (minimal_article, {"headline": "x"})],
    ids=["cable", "news"],
)
def test_unknown_fields_rejected(factory, extra) -> None:
    with pytest.raises(pydantic.ValidationError, match="Extra inputs are not permitted"):
        factory(**extra)


def test_unknown_field_rejected_in_nested_part() -> None:
    with pytest.raises(pydantic.ValidationError, match="Extra inputs"):
        Recipient(role="to", name="X", serial=1)


@pytest.mark.parametrize(
    "field, value",
    [
        ("precedence", "URGENT"),
        ("classification", "RESTRICTED"),
        ("caveats", ["SECRETISH"]),
        ("id_source", "guess"),
    ],
)
def test_bad_enum_values_rejected(field: str, value) -> None:
    with pytest.raises(pydantic.ValidationError):
        minimal_cable(**{field: value})


def test_bad_genre_and_precision_rejected() -> None:
    with pytest.raises(pydantic.ValidationError):
        minimal_article(genre="gossip")
    with pytest.raises(pydantic.ValidationError):
        minimal_article(published_precision="hour")
    assert minimal_article(genre="interview").genre is Genre.INTERVIEW


@pytest.mark.parametrize("bad_id", ["MOSCOW4307", "7MOSCOW4307", "07moscow4307", "07MOSCOW"])
def test_cable_id_pattern(bad_id: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="id"):
        minimal_cable(id=bad_id)


def test_naive_datetime_rejected_and_offsets_normalised_to_utc() -> None:
    with pytest.raises(pydantic.ValidationError, match="timezone-aware"):
        minimal_cable(created=datetime(2007, 8, 31, 13, 51))
    moscow = timezone(timedelta(hours=4))
    cable = minimal_cable(created=datetime(2007, 8, 31, 17, 51, tzinfo=moscow))
    assert cable.created == datetime(2007, 8, 31, 13, 51, tzinfo=timezone.utc)
    assert cable.created.utcoffset() == timedelta(0)


@pytest.mark.parametrize("path", ["/etc/passwd", "C:\\seeds\\x.txt", "../outside.txt"])
def test_source_paths_must_be_relative(path: str) -> None:
    with pytest.raises(pydantic.ValidationError, match="source path"):
        Source(path=path, sha256=SHA)


def test_every_field_is_documented() -> None:
    from caucasus_cables import records

    for name in records.__all__:
        model = getattr(records, name)
        if isinstance(model, type) and issubclass(model, pydantic.BaseModel):
            for field_name, info in model.model_fields.items():
                assert info.description, f"{name}.{field_name} has no description"
