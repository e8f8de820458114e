"""A readable rendering of one record for the terminal (``caucasus-cables show``).

Cables are laid out as their readers know them: the header block (date, precedence, FM, TO,
INFO, classification, E.O. line, TAGS with what each code means, SUBJECT, REF), the summary,
then the numbered paragraphs with their portion markings. Every value goes in as ``rich.Text``,
never as markup, because cable texts contain brackets (``[PREL](#)``) that markup would eat.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from caucasus_cables.records import Cable, NewsArticle, RecipientRole, Record
from caucasus_cables.reference import describe_tag

__all__ = ["render_record"]

MAX_ADDRESSEES = 12
"""Addressees listed per block before the rest are counted ('and 40 more')."""


def render_record(record: Record) -> RenderableType:
    """A rich renderable for a ``Cable`` or a ``NewsArticle``; TypeError for anything else."""
    if isinstance(record, Cable):
        return _cable(record)
    if isinstance(record, NewsArticle):
        return _news(record)
    raise TypeError(f"cannot show a {type(record).__name__}")


def _fields(rows: list[tuple[str, str | None]]) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value:
            grid.add_row(label, Text(value))
    return grid


def _names(names: list[str]) -> str | None:
    if not names:
        return None
    shown = names[:MAX_ADDRESSEES]
    more = len(names) - len(shown)
    return "\n".join(shown) + (f"\n... and {more} more" if more else "")


def _tags(tags: list[str]) -> str | None:
    if not tags:
        return None
    described = []
    for tag in tags:
        entry = describe_tag(tag)
        described.append(f"{tag} ({entry.description})" if entry else tag)
    return ", ".join(described)


def _marking(cable: Cable) -> str:
    parts = [cable.classification.value if cable.classification else "NO CLASSIFICATION"]
    parts += [caveat.value for caveat in cable.caveats]
    return " // ".join(parts)


def _cable(cable: Cable) -> RenderableType:
    recipients = {
        role: [r.name for r in cable.recipients if r.role is role] for role in RecipientRole
    }
    declassification = cable.declassification.raw if cable.declassification else None
    classified_by = cable.classified_by.raw if cable.classified_by else None
    header = _fields(
        [
            ("Date", cable.created.strftime("%Y-%m-%d %H:%M UTC") if cable.created else None),
            ("Precedence", cable.precedence.value if cable.precedence else None),
            ("From", cable.origin),
            ("Station", cable.station),
            ("To", _names(recipients[RecipientRole.TO])),
            ("Info", _names(recipients[RecipientRole.INFO])),
            ("Classification", _marking(cable)),
            ("Classified by", classified_by),
            ("E.O.", declassification),
            ("Tags", _tags(cable.tags)),
            ("Subject", cable.subject),
            ("Ref", "\n".join(r.raw for r in cable.references) or None),
            ("Signed", ", ".join(cable.signed_by) or None),
        ]
    )
    # No separate summary: it is the first paragraphs' text (under a SUMMARY heading).
    parts: list[RenderableType] = [header]
    for paragraph in cable.paragraphs:
        parts.append(Text(""))
        if paragraph.heading:
            parts.append(Text(paragraph.heading, style="bold"))
        marker = f"¶{paragraph.number}. " if paragraph.number is not None else ""
        marking = f"({paragraph.classification}) " if paragraph.classification else ""
        parts.append(Text.assemble((marker + marking, "bold"), paragraph.text))
    if not cable.paragraphs and cable.body:
        parts += [Text(""), Text(cable.body)]
    if cable.parse_notes:
        notes = "\n".join(f"{n.field}: {n.message}" for n in cable.parse_notes)
        parts += [Text(""), Panel(Text(notes), title="Parse notes", title_align="left")]
    return Panel(Group(*parts), title=Text(f"{cable.id}  {_marking(cable)}"), title_align="left")


def _news(article: NewsArticle) -> RenderableType:
    published = article.published.isoformat() if article.published else None
    if published and article.published_precision:
        published += f" (precision: {article.published_precision.value})"
    header = _fields(
        [
            ("Outlet", article.outlet),
            ("Published", published),
            ("Genre", article.genre.value),
            ("Authors", ", ".join(article.authors) or None),
            ("Byline", article.byline),
            ("Dateline", article.dateline),
            ("Language", article.language),
            ("URL", article.url),
        ]
    )
    parts: list[RenderableType] = [Text(article.title, style="bold"), header]
    if article.lead:
        parts += [Text(""), Text(article.lead, style="italic")]
    for paragraph in article.paragraphs:
        parts += [Text(""), Text(paragraph)]
    if article.quotes:
        quoted = "\n".join(f"{q.speaker or 'unknown'}: {q.text}" for q in article.quotes)
        parts += [Text(""), Panel(Text(quoted), title="Quotes", title_align="left")]
    return Panel(Group(*parts), title=Text(article.id), title_align="left")
