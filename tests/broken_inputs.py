"""Broken inputs for the robustness tests: text mutations and damaged files.

Two families, both generated from real cables (the seeds or ``../shared/corpus/cables``):

- **text mutations** (``MUTATIONS``): what a careless copy, a cut download or a merge does to a
  cable's text: truncation at any character, a deleted, duplicated or junk line, shuffled
  header lines. Each is a pure function ``(text, random.Random) -> text``.
- **file damage** (``FILE_KINDS``): how a file on disk differs from clean UTF-8: a BOM, UTF-16,
  cp1252 / latin-1, CRLF / CR line endings, NUL bytes, nothing at all, a truncated UTF-16
  file, binary junk, plus the things that are not files at all (a directory named ``*.txt``, a
  FIFO, a dangling symlink, a symlink out of the input folder, a file over the size limit).

``shift_year`` makes more distinct cables out of one (the DTG's year moved back, so the id
changes and no two inputs of a large synthetic collection share an id).
"""

from __future__ import annotations

import codecs
import os
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED_CABLES = REPO / "seeds" / "cables"
CORPUS = REPO.parent / "shared" / "corpus" / "cables"

# Junk that real collections contain: HTML left from a scrape, a mail footer, control bytes,
# a line of spaced letters, regex bait (long runs that a nested quantifier would backtrack on).
JUNK_LINES = (
    "<pre>",
    "</td></tr></table>",
    "-----Original Message-----",
    "\x00\x01\x02",
    "C O N F I D E N T I A L",
    "REF: A. " + "B. " * 200,
    "TAGS: " + "PREL, " * 300,
    "1.4 (B) " * 100,
    "SUBJECT: " + "X" * 5000,
    "\ufeff",
    "\u2028",
    "O 311351Z AUG 07 " * 50,
    "¶" * 100,
    "#" * 1000,
)


def corpus_files(limit: int | None = None) -> list[Path]:
    """Corpus cables in name order (``[]`` when the corpus is absent)."""
    files = sorted(CORPUS.glob("*.txt")) if CORPUS.is_dir() else []
    return files[:limit] if limit is not None else files


# -- text mutations -----------------------------------------------------------------------------


def truncate(text: str, rng: random.Random) -> str:
    return text[: rng.randint(0, len(text))]


def delete_line(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if lines:
        del lines[rng.randrange(len(lines))]
    return "".join(lines)


def duplicate_line(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    if lines:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i])
    return "".join(lines)


def shuffle_header(text: str, rng: random.Random) -> str:
    """Shuffle the lines before the first blank line after the classification marking (or
    the first 25 lines): routing, DTG, FM/TO/INFO, TAGS and SUBJECT change places."""
    lines = text.splitlines(keepends=True)
    cut = min(len(lines), 25)
    head = lines[:cut]
    rng.shuffle(head)
    return "".join(head + lines[cut:])


def insert_junk(text: str, rng: random.Random) -> str:
    lines = text.splitlines(keepends=True)
    junk = rng.choice(JUNK_LINES) + "\n"
    lines.insert(rng.randint(0, len(lines)), junk)
    return "".join(lines)


MUTATIONS: dict[str, Callable[[str, random.Random], str]] = {
    "truncate": truncate,
    "delete_line": delete_line,
    "duplicate_line": duplicate_line,
    "shuffle_header": shuffle_header,
    "insert_junk": insert_junk,
}


def mutate(text: str, rng: random.Random, steps: int = 1) -> tuple[str, list[str]]:
    """``steps`` random mutations of ``text``; returns the text and the mutation names."""
    names = []
    for _ in range(steps):
        name = rng.choice(sorted(MUTATIONS))
        text = MUTATIONS[name](text, rng)
        names.append(name)
    return text, names


# -- more distinct cables -----------------------------------------------------------------------

# The DTG line: "O 311351Z AUG 07" (the id's two-digit year is the DTG's).
_DTG_YEAR = re.compile(
    rb"^(?P<head>[ZOPR](?:[ \t]+[ZOPR])?[ \t]+\d{6}Z[ \t]+[A-Z]{3}[ \t]+)(?P<yy>\d{2})[ \t]*\r?$",
    re.MULTILINE,
)


def shift_year(data: bytes, name: str, back: int) -> tuple[bytes, str] | None:
    """The cable with its first DTG moved ``back`` decades earlier (2007 -> 1977 for 3), and
    its file name to match; None when the text has no DTG to move or the year would leave
    Cablegate's 1966-2010 span (so the copy gets a new, still plausible id)."""
    match = _DTG_YEAR.search(data)
    if match is None:
        return None
    yy = int(match.group("yy"))
    year = (2000 if yy < 50 else 1900) + yy - 10 * back
    if year < 1966:
        return None
    new = f"{year % 100:02d}".encode()
    shifted = data[: match.start("yy")] + new + data[match.end("yy") :]
    return shifted, new.decode() + name[2:]


# -- damaged files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    """One way a file can be broken: ``make(folder, name, text, rng)`` creates it under
    ``folder``; ``outcome`` is what the build must make of it: ``record:<encoding>`` or
    ``quarantine:<stage>`` (``either`` when the damage may or may not leave a cable).
    ``outside`` is a folder outside the input folder (for the symlink that leaves it)."""

    name: str
    build: Callable[..., None]
    outcome: str

    def make(self, folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
        self.build(folder=folder, name=name, text=text, rng=rng, outside=outside)


def _write(folder: Path, name: str, data: bytes) -> None:
    (folder / name).write_bytes(data)


def _with_pilcrows_and_quotes(text: str) -> str:
    # The '¶' sign (0xB6 in cp1252 and latin-1; C2 B6 in UTF-8) and cp1252's smart quotes
    # (0x93/0x94) are the bytes that tell these encodings apart in real cables.
    return text.replace("1. ", "¶1. ", 1) + "\n\u201cQuoted\u201d \u00b6 end\n"


def _cp1252(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    _write(folder, name, _with_pilcrows_and_quotes(text).encode("cp1252", "replace"))


def _latin1(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    # 0x81 is undefined in cp1252, so only latin-1 decodes this file.
    data = text.replace("1. ", "¶1. ", 1).encode("latin-1", "replace") + b"\n\x81 \xb6\n"
    _write(folder, name, data)


def _nul(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    data = bytearray(text.encode())
    for _ in range(rng.randint(1, 5)):
        data.insert(rng.randint(0, len(data)), 0)
    _write(folder, name, bytes(data))


def _truncated_utf16(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    data = text.encode("utf-16")
    _write(folder, name, data[: 2 * rng.randint(1, len(data) // 2 - 1) + 1])  # odd length


def _mutated(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    _write(folder, name, mutate(text, rng, rng.randint(1, 3))[0].encode())


def _binary(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    _write(folder, name, bytes(rng.randrange(256) for _ in range(rng.randint(1, 2000))))


def _directory(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    (folder / name).mkdir()
    (folder / name / "inside.md").write_text("not an input")


def _fifo(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    os.mkfifo(folder / name)  # reading it would block forever: it must not be opened


def _dangling(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    os.symlink(folder / f"{name}.gone", folder / name)


def _symlink_out(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    outside.mkdir(exist_ok=True)
    target = outside / f"{folder.name}-{name}"
    target.write_text(text)
    os.symlink(target, folder / name)


def _oversized(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
    # 50 MB: a sparse file, so the test costs no disk; the build must not read it at all.
    with open(folder / name, "wb") as handle:
        handle.write(text.encode())
        handle.truncate(50_000_000)


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def _encoded(transform: Callable[[str], bytes]) -> Callable[..., None]:
    """A builder writing ``transform(text)``."""

    def build(folder: Path, name: str, text: str, rng: random.Random, outside: Path) -> None:
        _write(folder, name, transform(text))

    return build


FILE_KINDS = [
    FileKind("utf-8 BOM", _encoded(lambda t: codecs.BOM_UTF8 + t.encode()), "record:utf-8-sig"),
    FileKind("utf-16 BOM", _encoded(lambda t: t.encode("utf-16")), "record:utf-16"),
    FileKind("cp1252", _cp1252, "record:cp1252"),
    FileKind("latin-1", _latin1, "record:latin-1"),
    FileKind("CRLF", _encoded(lambda t: _lf(t).replace("\n", "\r\n").encode()), "record:"),
    FileKind("CR", _encoded(lambda t: _lf(t).replace("\n", "\r").encode()), "record:"),
    FileKind("NUL bytes", _nul, "either"),
    FileKind("empty", _encoded(lambda t: b""), "quarantine:parse"),
    FileKind("truncated utf-16", _truncated_utf16, "quarantine:decode"),
    FileKind("mutated text", _mutated, "either"),
    FileKind("binary junk", _binary, "quarantine:"),
    FileKind("directory named *.txt", _directory, "quarantine:read"),
    FileKind("FIFO", _fifo, "quarantine:read"),
    FileKind("dangling symlink", _dangling, "quarantine:read"),
    FileKind("symlink out of the folder", _symlink_out, "quarantine:read"),
    FileKind("50 MB file", _oversized, "quarantine:read"),
]
