"""The seed catalog: every seed listed with the right sha256; each bad case a clear error."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

from caucasus_cables import CatalogError, read_catalog
from caucasus_cables.catalog import DocumentKind, iter_seed_documents
from caucasus_cables.records import ProvenanceKind

# The five documents handed to the project, by their original names (../shared/seeds/).
ORIGINAL_SHA256 = {
    "000_8758d6e0e11533b7.txt": "085c87379666f201003abb547c8d758af4b58230fb552a3afd6929eb8c7d9bb5",
    "001_6ca206858de2c10e.txt": "0f38561c29f27b0713d85fe8aa056402cb78c6e1dd6d323d203eea1b560b3c76",
    "002_eab4cc31b203510c.txt": "57132a913d7e051227ebce5c788fe4f709030c399686211e3916fc429281a42b",
    "003_97c25cf791e65c5f.txt": "33a5f8a53b1f32e01d7a8a98611347f1f94614efb553ced2843db04456ee8f5b",
    "004_2ae24375885f1421.txt": "fd997fcca3314fc72d0c72b2ff8f343de7fe25e6aa7300fff4effa9f8bbcc944",
}


def test_every_seed_listed_with_its_sha256(seeds_dir: Path) -> None:
    catalog = read_catalog(seeds_dir)
    by_original = {entry.original_name: entry for entry in catalog.documents}
    assert set(by_original) == set(ORIGINAL_SHA256)
    for name, digest in ORIGINAL_SHA256.items():
        entry = by_original[name]
        assert entry.sha256 == digest
        assert hashlib.sha256((seeds_dir / entry.path).read_bytes()).hexdigest() == digest


def test_seeds_are_byte_identical_to_shared(seeds_dir: Path, repo: Path) -> None:
    shared = repo.parent / "shared" / "seeds"
    if not shared.is_dir():
        pytest.skip("../shared/seeds not present")
    catalog = read_catalog(seeds_dir)
    for entry in catalog.documents:
        assert (seeds_dir / entry.path).read_bytes() == (shared / entry.original_name).read_bytes()


def test_kinds_and_news_facts(seeds_dir: Path) -> None:
    catalog = read_catalog(seeds_dir)
    kinds = sorted(entry.kind.value for entry in catalog.documents)
    assert kinds == ["cable", "cable", "cable", "news_article", "news_article"]
    news = {e.id: e for e in catalog.documents if e.kind is DocumentKind.NEWS_ARTICLE}
    mt = news["2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"].metadata
    assert mt["outlet"].value == "The Moscow Times"
    assert mt["published"].kind is ProvenanceKind.INFERRED
    assert str(mt["published"].value) == "2008-08-29"
    assert mt["authors"].value is None  # never invent an author
    ea = news["2024-09-10-eadaily-kulakhmetov-interview"].metadata
    assert ea["translated_from"].value == "ru"
    assert ea["translated_from"].kind is ProvenanceKind.INFERRED
    assert ea["interviewer"].value is None
    assert ea["url"].value.startswith("https://eadaily.com/en/news/2024/09/10/")


def test_iter_seed_documents_yields_bytes_in_path_order(seeds_dir: Path) -> None:
    docs = list(iter_seed_documents(seeds_dir))
    assert [d.path for d in docs] == sorted(d.path for d in docs)
    assert all(hashlib.sha256(d.data).hexdigest() == d.entry.sha256 for d in docs)


@pytest.fixture()
def seeds_copy(tmp_path: Path, seeds_dir: Path) -> Path:
    copy = tmp_path / "seeds"
    shutil.copytree(seeds_dir, copy)
    return copy


def test_changed_file_is_an_error_naming_it(seeds_copy: Path) -> None:
    target = seeds_copy / "cables" / "07MOSCOW4307.txt"
    target.write_bytes(target.read_bytes() + b"\n")
    with pytest.raises(CatalogError, match=r"cables/07MOSCOW4307\.txt: sha256 differs") as info:
        read_catalog(seeds_copy)
    assert info.value.path == "cables/07MOSCOW4307.txt"


def test_missing_file_is_an_error_naming_it(seeds_copy: Path) -> None:
    (seeds_copy / "cables" / "08MOSCOW2629.txt").unlink()
    with pytest.raises(CatalogError, match=r"cables/08MOSCOW2629\.txt: listed .* but missing"):
        read_catalog(seeds_copy)


def test_unlisted_file_is_an_error_naming_it(seeds_copy: Path) -> None:
    (seeds_copy / "cables" / "09TBILISI1.txt").write_text("stray\n")
    with pytest.raises(CatalogError, match=r"cables/09TBILISI1\.txt: file is in seeds/ but not"):
        read_catalog(seeds_copy)


def test_duplicate_entry_is_an_error(seeds_copy: Path) -> None:
    path = seeds_copy / "catalog.yaml"
    data = yaml.safe_load(path.read_text())
    data["documents"].append(data["documents"][0])
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError, match="listed twice"):
        read_catalog(seeds_copy)


def test_missing_catalog_and_bad_yaml(seeds_copy: Path) -> None:
    catalog = seeds_copy / "catalog.yaml"
    catalog.write_text("documents: [unclosed\n")
    with pytest.raises(CatalogError, match="not valid YAML"):
        read_catalog(seeds_copy)
    catalog.unlink()
    with pytest.raises(CatalogError, match="catalog not found"):
        read_catalog(seeds_copy)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["documents"][0].update(kind="tweet"), "kind"),
        (lambda d: d["documents"][0].update(sha256="abc"), "sha256"),
        (lambda d: d["documents"][0].update(colour="red"), "colour"),
        (lambda d: d["documents"][3]["metadata"]["outlet"].update(kind="parsed"), "never parsed"),
        (lambda d: d["documents"][3].pop("id"), "need an 'id'"),
    ],
    ids=["unknown kind", "bad sha256", "unknown key", "parsed provenance", "news without id"],
)
def test_malformed_entries_rejected(seeds_copy: Path, mutate, message: str) -> None:
    path = seeds_copy / "catalog.yaml"
    data = yaml.safe_load(path.read_text())
    mutate(data)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(CatalogError, match=message):
        read_catalog(seeds_copy)
