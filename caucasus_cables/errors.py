"""Every error this package raises on purpose.

Each subclasses a builtin too, so ``except ValueError`` keeps working for callers who do not
know this package. Errors carry attributes (where, what) as well as a readable message.
"""

from __future__ import annotations


class CaucasusCablesError(Exception):
    """Base of every error this package raises on purpose."""


class ParseError(CaucasusCablesError, ValueError):
    """A text is not a cable / news article, or a required field cannot be derived.

    ``str()`` reads ``source:line: field: message`` with the parts that are known, e.g.
    ``seeds/cables/07MOSCOW4307.txt:5: dtg: impossible date 'O 321351Z AUG 07'``.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        source: str | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.line = line
        self.source = source
        super().__init__(message)

    def with_source(self, source: str | None) -> ParseError:
        """Return this error with ``source`` filled in (the parser knows it, extractors don't)."""
        if source is not None and self.source is None:
            self.source = source
        return self

    def __str__(self) -> str:
        where = ""
        if self.source is not None:
            where = self.source
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        parts = [p for p in (where, self.field) if p]
        return ": ".join([*parts, self.message])


class CatalogError(CaucasusCablesError, ValueError):
    """The seed catalog disagrees with the files in ``seeds/`` (missing, unlisted, changed)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class BuildError(CaucasusCablesError, RuntimeError):
    """The build could not produce a valid release (e.g. strict mode with quarantined inputs)."""


class IntegrityError(CaucasusCablesError, ValueError):
    """Shipped or built data fails a check: checksum, schema, row count or table rule.

    ``path`` names the offending file when one is known.
    """

    def __init__(self, message: str, *, path: str | None = None) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class EntityLookupError(CaucasusCablesError, LookupError):
    """A name does not stand for exactly one gazetteer entity (unknown, or shared by several).

    ``name`` is the name asked for; ``candidates`` the entity ids that are close matches (unknown
    name) or that share it (ambiguous name).
    """

    def __init__(self, message: str, *, name: str, candidates: list[str] | None = None) -> None:
        self.name = name
        self.candidates = list(candidates or [])
        super().__init__(message)


class LoadError(CaucasusCablesError, LookupError, ValueError):
    """``load()`` was asked for something the shipped data does not have: a dataset, version,
    record id, column, filter or filter value.

    ``name`` is what was asked for; ``choices`` the valid ones (empty when there are too many
    to list). The message names both and, when one is close, suggests it.
    """

    def __init__(self, message: str, *, name: str | None = None, choices: list[str] | None = None):
        self.name = name
        self.choices = list(choices or [])
        super().__init__(message)


class PublishError(CaucasusCablesError, RuntimeError):
    """A release could not be published to the Hugging Face Hub (refused, or the Hub failed)."""
