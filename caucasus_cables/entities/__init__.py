"""Entities and links: who and where each document speaks of, and which documents meet.

- :func:`entities` and :func:`resolve_entity`: the packaged gazetteer of places, people and
  organizations (stable ids such as ``place:tskhinvali``, canonical names, variants, sources).
- :func:`find_mentions`: the gazetteer's entities in a document body, with offsets.
- :func:`find_links`: cables citing each other and documents reporting the same event.

Everything here is pure: text and records in, records out; the data files are read once.
"""

from caucasus_cables.entities.gazetteer import entities, resolve_entity
from caucasus_cables.entities.links import LinkDocument, find_links
from caucasus_cables.entities.mentions import find_mentions

__all__ = ["LinkDocument", "entities", "find_links", "find_mentions", "resolve_entity"]
