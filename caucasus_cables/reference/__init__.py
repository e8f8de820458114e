"""Packaged lookup tables for cables: stations, TAGS codes, routing indicators, origins.

The tables are CSV files shipped inside the package (see ``SOURCES.md`` beside this module for
where every file and row comes from). They are read on first use with
``importlib.resources`` and cached, so lookups cost a dict access.

Fix tables hold only the exceptions: a station name becomes the station part of a reference id
by removing spaces (``'NEW DELHI'`` -> ``'NEWDELHI'``), and ``AMEMBASSY X`` becomes ``Embassy X``
in the WikiLeaks naming; ``stations.csv`` and ``origins.csv`` list the names those rules get
wrong, each with the cables that show it.

>>> canonical_station("USUN NEW YORK")
'USUNNEWYORK'
>>> describe_tag("GG").description
'Georgia'
>>> routing_indicator_name("RUEHMO")
'AMEMBASSY MOSCOW'
>>> origin_name("AMEMBASSY MOSCOW")
'Embassy Moscow'
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

__all__ = [
    "TagInfo",
    "all_tags",
    "canonical_station",
    "describe_tag",
    "is_known_tag",
    "origin_name",
    "routing_indicator_name",
    "routing_indicator_names",
    "station_origin",
]

_SOURCE_SEPARATOR = " ; "

# FM lines name most posts "AMEMBASSY <city>" or "AMCONSUL <city>"; the id uses the city only.
_POST_PREFIX = re.compile(r"^(?P<kind>AMEMBASSY|AMCONSUL)\s+(?P<place>\S.*)$")
_WIKILEAKS_POST_KIND = {"AMEMBASSY": "Embassy", "AMCONSUL": "Consulate"}


@dataclass(frozen=True)
class TagInfo:
    """One TAGS code from ``tags.csv``.

    ``kind`` is 'subject', 'program (K-tag)', 'organization', 'geo (country, FIPS 10-4)' or
    'geo (region)'. Geo tags are FIPS 10-4 codes, not ISO 3166: ``iso3166_alpha2`` gives the
    ISO equivalent where one exists (GG -> GE). ``confidence`` is 'high' when a second
    independent source agrees with the description, else 'medium'.
    """

    tag: str
    kind: str
    description: str
    iso3166_alpha2: str | None
    sources: tuple[str, ...]
    confidence: str
    notes: str | None = None


def _read_text(name: str) -> str:
    return files("caucasus_cables").joinpath("reference", name).read_text(encoding="utf-8")


def _read_csv(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read_text(name))))


def _key(name: str) -> str:
    """Lookup key for a name as written: upper-case, whitespace collapsed."""
    return " ".join(name.split()).upper()


@lru_cache(maxsize=1)
def _station_fixes() -> dict[str, str]:
    return {_key(row["raw"]): row["canonical"] for row in _read_csv("stations.csv")}


def canonical_station(name: str) -> str:
    """Station name as written -> the station part of a reference id.

    ``name`` is the station of a classification line (``MOSCOW``, ``USUN NEW YORK``), of a
    page-break line (``VATICA``) or an FM line (``AMEMBASSY MOSCOW``, ``SECSTATE WASHDC``).
    Exceptions come from ``stations.csv``; otherwise an ``AMEMBASSY``/``AMCONSUL`` prefix is
    dropped, then everything but letters and digits, and the rest is upper-cased. Never raises;
    an empty name gives ``''``.

    >>> canonical_station("SECSTATE WASHDC")
    'STATE'
    >>> canonical_station("amembassy the hague")
    'THEHAGUE'
    """
    key = _key(name)
    fixes = _station_fixes()
    if key in fixes:
        return fixes[key]
    post = _POST_PREFIX.match(key)
    if post:
        key = post.group("place")
        if key in fixes:
            return fixes[key]
    return re.sub(r"[^A-Z0-9]", "", key)


def _none_if_empty(value: str) -> str | None:
    return value or None


@lru_cache(maxsize=1)
def _tags() -> dict[str, TagInfo]:
    table = {}
    for row in _read_csv("tags.csv"):
        table[row["tag"]] = TagInfo(
            tag=row["tag"],
            kind=row["kind"],
            description=row["description"],
            iso3166_alpha2=_none_if_empty(row["iso3166_alpha2"]),
            sources=tuple(s.strip() for s in row["sources"].split(_SOURCE_SEPARATOR) if s.strip()),
            confidence=row["confidence"],
            notes=_none_if_empty(row["notes"]),
        )
    return table


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    codes = set(_tags())
    for name in ("subject_tags.txt", "organization_tags.txt"):
        codes.update(line.strip() for line in _read_text(name).splitlines() if line.strip())
    return frozenset(codes)


def describe_tag(code: str) -> TagInfo | None:
    """TAGS code (any case, surrounding spaces ignored) -> its entry in ``tags.csv``.

    None for codes the table does not describe (it holds 90 codes: the common subject, program
    and organisation tags and the geo tags of Russia, the Caucasus and neighbours).

    >>> describe_tag("ti").description
    'Tajikistan'
    >>> describe_tag("XYZZ") is None
    True
    """
    return _tags().get(code.strip().upper())


def is_known_tag(code: str) -> bool:
    """True when ``code`` is in ``tags.csv`` or in cablemap's subject/organisation tag lists.

    >>> is_known_tag("PREL"), is_known_tag("UNOMIG"), is_known_tag("SIPDIS")
    (True, True, False)
    """
    return code.strip().upper() in _known_codes()


def all_tags() -> tuple[TagInfo, ...]:
    """Every entry of ``tags.csv``, sorted by code."""
    return tuple(_tags()[code] for code in sorted(_tags()))


@lru_cache(maxsize=1)
def _routing() -> dict[str, tuple[str, ...]]:
    """Routing indicator -> its names, the preferred one first, then alphabetical."""
    names: dict[str, list[tuple[bool, str]]] = {}
    for row in _read_csv("routing_indicators.csv"):
        names.setdefault(row["routing_indicator"], []).append(
            (row["preferred"] != "yes", row["name"])
        )
    return {ri: tuple(name for _, name in sorted(pairs)) for ri, pairs in names.items()}


def routing_indicator_name(ri: str) -> str | None:
    """Routing indicator (e.g. 'RUEHMO') -> its plain-language address ('AMEMBASSY MOSCOW').

    When cables write several names for one indicator (RUEKJCS: 'SECDEF WASHDC', 'JOINT STAFF
    WASHDC', ...), the name most of the corpus cables use is returned; ``routing_indicator_names``
    gives all. None for an unknown indicator.

    >>> routing_indicator_name("RUEHSI")
    'AMEMBASSY TBILISI'
    >>> routing_indicator_name("RUCNCIS")
    'CIS COLLECTIVE'
    """
    names = _routing().get(ri.strip().upper())
    return names[0] if names else None


def routing_indicator_names(ri: str) -> tuple[str, ...]:
    """Every known plain-language address of a routing indicator, preferred first; () if none."""
    return _routing().get(ri.strip().upper(), ())


@lru_cache(maxsize=1)
def _origin_fixes() -> dict[str, str]:
    return {_key(row["fm_line"]): row["origin"] for row in _read_csv("origins.csv")}


def origin_name(fm_line_origin: str) -> str:
    """Originator as the FM line writes it -> the name WikiLeaks metadata gives it.

    'AMEMBASSY MOSCOW' -> 'Embassy Moscow', 'AMCONSUL SAO PAULO' -> 'Consulate Sao Paulo'
    (place in title case); other posts come from ``origins.csv`` ('SECSTATE WASHDC' ->
    'Secretary of State', 'USMISSION USNATO' -> 'Mission USNATO'). A form neither covers is
    returned whitespace-collapsed, unchanged, so a comparison with the metadata fails visibly.

    >>> origin_name("AMCONSUL RIO DE JANEIRO")
    'Consulate Rio De Janeiro'
    >>> origin_name("USINT HAVANA")
    'US Interests Section Havana'
    """
    key = _key(fm_line_origin)
    fixes = _origin_fixes()
    if key in fixes:
        return fixes[key]
    post = _POST_PREFIX.match(key)
    if post:
        return f"{_WIKILEAKS_POST_KIND[post.group('kind')]} {post.group('place').title()}"
    return " ".join(fm_line_origin.split())


@lru_cache(maxsize=1)
def _station_posts() -> dict[str, frozenset[str]]:
    """Canonical station -> the FM-line post names (AMEMBASSY/AMCONSUL or origins.csv) for it."""
    posts: dict[str, set[str]] = {}
    candidates = set(_origin_fixes())
    for names in _routing().values():
        candidates.update(n for n in names if _POST_PREFIX.match(n))
    for name in candidates:
        posts.setdefault(canonical_station(name), set()).add(name)
    return {station: frozenset(names) for station, names in posts.items()}


def station_origin(station: str) -> str | None:
    """Canonical station -> the FM-line name of its post, when exactly one post has it.

    For texts without an FM line (partial extracts), the station of the classification line is
    all the text gives; this names the post from the routing-indicator table. None when no post
    or several posts with different names share the station (BRUSSELS: AMEMBASSY BRUSSELS and
    USEU BRUSSELS); of several spellings of one post ('RPO DUBAI', 'IRAN RPO DUBAI') the first
    in alphabetical order.

    >>> station_origin("SAOPAULO")
    'AMCONSUL SAO PAULO'
    >>> station_origin("BRUSSELS") is None
    True
    """
    names = _station_posts().get(canonical_station(station), frozenset())
    if len({origin_name(name) for name in names}) != 1:
        return None
    return min(names)
