"""The loader: every output form, every filter, the errors, checksums, and the README examples.

The data is a release built from ``seeds/`` into a temporary folder, found through
``CAUCASUS_CABLES_DATA``. Expected ids come from the seed texts: each case says which line of
which cable shows it (``seeds/cables/<id>.txt``).
"""

from __future__ import annotations

import datetime as dt
import doctest
import importlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from caucasus_cables import Cable, IntegrityError, LoadError, NewsArticle, build
from caucasus_cables.entities import entities
from caucasus_cables.errors import PublishError
from caucasus_cables.publish import plan_publish

# The module, not the function caucasus_cables.load that the package exports under its name.
loader = importlib.import_module("caucasus_cables.load")

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO / "seeds"

TABLE_NAMES = [
    "cables",
    "news_articles",
    "cable_paragraphs",
    "cable_recipients",
    "cable_references",
    "entities",
    "mentions",
    "links",
]
SEED_ROWS = {
    "cables": 3,  # seeds/cables/*.txt
    "news_articles": 2,  # seeds/news/*.txt
    "cable_paragraphs": 18,  # 7 + 4 + 7 paragraphs (see test_child_table_filters)
    "cable_recipients": 10,  # TO/INFO lines: 3 + 3 + 4
    "cable_references": 2,  # REF: MOSCOW 4008 (EXDIS), REF: MOSCOW 2618
    "entities": len(entities()),  # the packaged gazetteer
    "mentions": 425,  # 83 + 31 + 101 in the cables, 98 + 112 in the articles
    "links": 2,  # the SCO summit, 08MOSCOW2629 <-> The Moscow Times, both ways
}


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    """A folder holding one release, 1.0.0 (as the README shows), built from seeds."""
    root = tmp_path_factory.mktemp("data")
    build(SEEDS, root, version="1.0.0")
    return root


@pytest.fixture(autouse=True)
def shipped(data_root, monkeypatch) -> Path:
    monkeypatch.setenv(loader.DATA_ENV, str(data_root))
    return data_root


@pytest.fixture
def hf_cache(tmp_path, monkeypatch) -> Path:
    """Keep datasets' Arrow cache out of the home folder."""
    import datasets

    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", tmp_path / "hf")
    return tmp_path / "hf"


@pytest.fixture
def copy_of_data(data_root, tmp_path, monkeypatch) -> Path:
    """A private copy of the data that a test may damage."""
    copy = tmp_path / "data"
    shutil.copytree(data_root, copy)
    monkeypatch.setenv(loader.DATA_ENV, str(copy))
    return copy


# -- Versions and datasets --------------------------------------------------------------------


def test_versions_and_datasets():
    assert loader.versions() == ["1.0.0"]
    assert loader.list_datasets() == TABLE_NAMES


def test_newest_version_is_the_default_and_v_prefix_is_accepted(data_root, tmp_path, monkeypatch):
    root = tmp_path / "data"
    shutil.copytree(data_root, root)
    build(SEEDS, root, version="0.9.0")
    monkeypatch.setenv(loader.DATA_ENV, str(root))
    assert loader.versions() == ["0.9.0", "1.0.0"]
    assert loader.info().version == "1.0.0"
    assert loader.info(version="v0.9.0").version == "0.9.0"
    assert len(loader.load(version="0.9.0")) == 3


def test_version_order_is_numeric():
    names = ["1.10.0", "1.9.0", "2.0.0", "1.9.1"]
    assert sorted(names, key=loader._version_key) == ["1.9.0", "1.9.1", "1.10.0", "2.0.0"]


# -- Every output form ------------------------------------------------------------------------


def _rows(value) -> int:
    if isinstance(value, pd.DataFrame):
        return len(value)
    if isinstance(value, pa.Table):
        return value.num_rows
    if isinstance(value, list):
        return len(value)
    if hasattr(value, "height"):  # polars
        return value.height
    return value.num_rows  # datasets.Dataset


@pytest.mark.parametrize("output", ["pandas", "arrow", "polars", "hf"])
@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_in_every_form(name, output, hf_cache):
    import datasets
    import polars

    expected_type = {
        "pandas": pd.DataFrame,
        "arrow": pa.Table,
        "polars": polars.DataFrame,
        "hf": datasets.Dataset,
    }[output]
    loaded = loader.load(name, output=output)
    assert isinstance(loaded, expected_type)
    assert _rows(loaded) == SEED_ROWS[name] == loader.info(name).rows[name]


@pytest.mark.parametrize(
    "name, model", [("cables", Cable), ("news_articles", NewsArticle)], ids=["cables", "news"]
)
def test_records_are_revalidated_models(name, model):
    records = loader.load(name, output="records")
    assert len(records) == SEED_ROWS[name]
    assert all(isinstance(r, model) for r in records)
    assert [r.id for r in records] == sorted(r.id for r in records)


def test_forms_agree_on_the_rows(hf_cache):
    filters = {"tags": "GG"}
    expected = ["07MOSCOW4307", "08MOSCOW2629"]
    assert loader.load(**filters)["id"].tolist() == expected
    assert loader.load(output="arrow", **filters).column("id").to_pylist() == expected
    assert loader.load(output="polars", **filters)["id"].to_list() == expected
    assert list(loader.load(output="hf", **filters)["id"]) == expected
    assert [r.id for r in loader.load(output="records", **filters)] == expected


def test_columns_select_and_order():
    table = loader.load(columns=["subject", "id"], tags="TI", output="arrow")
    assert table.column_names == ["subject", "id"]  # tags read for the filter, then dropped
    assert table.to_pylist() == [
        {"subject": "CIS SUMMIT IN DUSHANBE: GOR EXPECTATIONS", "id": "07MOSCOW4849"}
    ]


def test_hf_columns_and_filter(hf_cache):
    loaded = loader.load("cables", output="hf", columns=["id", "tags"], tags_all=["GG", "AM"])
    assert loaded.column_names == ["id", "tags"]
    assert loaded[0]["id"] == "08MOSCOW2629"


# -- Filters ----------------------------------------------------------------------------------

UTC = dt.timezone.utc

CABLE_FILTERS = [
    # (filters, expected ids, where a person can check it in seeds/cables/)
    ({"tags": "GG"}, ["07MOSCOW4307", "08MOSCOW2629"], "TAGS: ... GG RS in 4307 and 2629"),
    ({"tags": "gg"}, ["07MOSCOW4307", "08MOSCOW2629"], "tags in any case"),
    ({"tags": ["TI", "AM"]}, ["07MOSCOW4849", "08MOSCOW2629"], "TI in 4849, AM in 2629"),
    ({"tags_all": ["GG", "AM"]}, ["08MOSCOW2629"], "only 2629 has both"),
    ({"tags_all": ["PREL", "RS"]}, ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"], "all"),
    ({"caveats": "SENSITIVE"}, ["08MOSCOW2629"], "UNCLAS ... SENSITIVE in 2629"),
    ({"classification": "UNCLASSIFIED"}, ["08MOSCOW2629"], "UNCLAS SECTION 01 OF 02"),
    ({"classification": "confidential"}, ["07MOSCOW4307", "07MOSCOW4849"], "enum in any case"),
    ({"classification": "top_secret"}, [], "a valid value no seed has"),
    ({"classification": None}, [], "every seed states one"),
    ({"precedence": "PRIORITY"}, ["08MOSCOW2629"], "P 030646Z SEP 08"),
    ({"station": "moscow"}, ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"], "station"),
    ({"station": "TBILISI"}, [], "no Tbilisi seed"),
    ({"origin": "amembassy  moscow"}, ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"], "FM"),
    ({"id": "07MOSCOW4307"}, ["07MOSCOW4307"], "id"),
    ({"id": ["07MOSCOW4849", "99X1"]}, ["07MOSCOW4849"], "ids"),
    ({"sections": 2}, ["07MOSCOW4307", "08MOSCOW2629"], "SECTION 01 OF 02 in both"),
    ({"sections": "2"}, ["07MOSCOW4307", "08MOSCOW2629"], "numbers from text (CLI)"),
    ({"partial": False}, ["07MOSCOW4307", "07MOSCOW4849", "08MOSCOW2629"], "no extracts"),
    ({"date_from": "2008"}, ["08MOSCOW2629"], "DTG 030646Z SEP 08"),
    ({"date_to": "2007-08-31"}, ["07MOSCOW4307"], "DTG 311351Z AUG 07, the day inclusive"),
    ({"date_from": "2007-09", "date_to": "2007-12"}, ["07MOSCOW4849"], "DTG 031211Z OCT 07"),
    ({"date_from": dt.date(2007, 10, 3), "date_to": dt.date(2007, 10, 3)}, ["07MOSCOW4849"], "d"),
    (
        {"date_from": dt.datetime(2007, 8, 31, 13, 52, tzinfo=UTC)},
        ["07MOSCOW4849", "08MOSCOW2629"],
        "a minute after 4307's DTG 13:51Z",
    ),
    ({"date_to": "2007-08-31T13:51:00Z"}, ["07MOSCOW4307"], "the instant, inclusive"),
    ({"contains": "dushanbe"}, ["07MOSCOW4849"], "SUBJECT: CIS SUMMIT IN DUSHANBE"),
    ({"contains": "BAKRADZE"}, ["07MOSCOW4307"], "body of 4307, any case"),
    ({"contains": ["Popov", "Kokoity"]}, ["07MOSCOW4307"], "every term"),
    ({"tags": "GG", "classification": "UNCLASSIFIED"}, ["08MOSCOW2629"], "filters combine"),
    ({"where": {"tags": "TI"}}, ["07MOSCOW4849"], "where as a mapping"),
    ({"where": pc.field("sections") > 1}, ["07MOSCOW4307", "08MOSCOW2629"], "an expression"),
    ({"where": pc.field("sections").is_null(), "tags": "PREL"}, ["07MOSCOW4849"], "both"),
]


@pytest.mark.parametrize(
    "filters, expected", [c[:2] for c in CABLE_FILTERS], ids=[c[2] for c in CABLE_FILTERS]
)
def test_cable_filters(filters, expected):
    assert loader.load("cables", columns=["id"], output="arrow", **filters)["id"].to_pylist() == (
        expected
    )


NEWS_FILTERS = [
    (
        {"genre": "interview"},
        ["2024-09-10-eadaily-kulakhmetov-interview"],
        "catalog genre of the EADaily seed",
    ),
    (
        {"outlet": "The Moscow Times"},
        ["2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"],
        "o",
    ),
    (
        {"date_from": "2008-08", "date_to": "2008-08"},
        ["2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"],
        "published 2008-08-29",
    ),
    ({"date_from": "2024-09-10"}, ["2024-09-10-eadaily-kulakhmetov-interview"], "the day"),
    (
        {"date_to": dt.datetime(2008, 8, 29, 8, 0)},
        ["2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"],
        "dt",
    ),
    ({"contains": "Kulakhmetov"}, ["2024-09-10-eadaily-kulakhmetov-interview"], "title and body"),
    (
        {"language": "en", "genre": "report"},
        ["2008-08-29-moscow-times-medvedev-disappointed-in-dushanbe"],
        "l",
    ),
]


@pytest.mark.parametrize(
    "filters, expected", [c[:2] for c in NEWS_FILTERS], ids=[c[2] for c in NEWS_FILTERS]
)
def test_news_filters(filters, expected):
    assert loader.load("news_articles", **filters)["id"].tolist() == expected


CHILD_FILTERS = [
    # (table, filters, expected (cable_id, index) rows, where to check)
    ("cable_paragraphs", {"tags": "TI"}, [("07MOSCOW4849", i) for i in range(4)], "¶1-¶4 of 4849"),
    (
        "cable_paragraphs",
        {"cable_id": "07MOSCOW4849", "classification": "U"},
        [("07MOSCOW4849", 0)],
        "¶1. (U)",
    ),
    (
        "cable_paragraphs",
        {"classification": "SBU"},
        [("08MOSCOW2629", 0), ("08MOSCOW2629", 6)],
        "the paragraph's own marking wins over the cable's classification",
    ),
    (
        "cable_recipients",
        {"cable_id": "07MOSCOW4307", "role": "info"},
        [("07MOSCOW4307", 1), ("07MOSCOW4307", 2)],
        "INFO RUCNCIS/CIS COLLECTIVE, RUEHXD/MOSCOW POLITICAL COLLECTIVE",
    ),
    (
        "cable_recipients",
        {"where": {"name": "NATO EU COLLECTIVE"}},
        [("08MOSCOW2629", 3)],
        "RUEHZG/NATO EU; 'name' is also load()'s own argument",
    ),
    ("cable_references", {"classification": "CONFIDENTIAL"}, [("07MOSCOW4307", 0)], "parent"),
    ("cable_references", {"id": "08MOSCOW2618"}, [("08MOSCOW2629", 0)], "REF: MOSCOW 2618"),
    ("cable_references", {"date_from": "2008", "contains": "2618"}, [("08MOSCOW2629", 0)], "mix"),
]


@pytest.mark.parametrize(
    "name, filters, expected", [c[:3] for c in CHILD_FILTERS], ids=[c[3] for c in CHILD_FILTERS]
)
def test_child_table_filters(name, filters, expected):
    table = loader.load(name, output="arrow", columns=["cable_id", "index"], **filters)
    assert (
        list(zip(table["cable_id"].to_pylist(), table["index"].to_pylist(), strict=True))
        == expected
    )


def test_scalar_filters_are_pushed_down_and_list_filters_masked():
    source = loader._source("cables", None)
    query = loader._compile(source, {"classification": "SECRET", "date_from": "2008"})
    assert query.expression is not None and query.masks == []
    query = loader._compile(source, {"tags": "GG"})
    assert query.expression is None and [column for column, _ in query.masks] == ["tags"]


# -- Records ----------------------------------------------------------------------------------


def test_iter_records_streams_models():
    records = loader.iter_records("cables", tags="GG")
    assert not isinstance(records, list)
    assert [r.id for r in records] == ["07MOSCOW4307", "08MOSCOW2629"]


def test_get_cable():
    cable = loader.get_cable(" 07moscow4307 ")
    assert isinstance(cable, Cable)
    assert cable.created == dt.datetime(2007, 8, 31, 13, 51, tzinfo=UTC)  # O 311351Z AUG 07
    assert cable.references[0].raw == "MOSCOW 4008 (EXDIS)"


def test_find_record_finds_news_too():
    article = loader.find_record("2024-09-10-eadaily-kulakhmetov-interview")
    assert isinstance(article, NewsArticle) and article.outlet == "EADaily"


# -- Errors -----------------------------------------------------------------------------------


def test_unknown_dataset_lists_the_valid_ones():
    with pytest.raises(LoadError) as caught:
        loader.load("cabels")
    message = str(caught.value)
    assert "unknown dataset 'cabels'; choose one of: " + ", ".join(TABLE_NAMES) in message
    assert "did you mean 'cables'?" in message
    assert caught.value.choices == TABLE_NAMES
    assert isinstance(caught.value, LookupError) and isinstance(caught.value, ValueError)


def test_unknown_version_lists_the_shipped_ones():
    with pytest.raises(LoadError, match=r"unknown version '2\.0\.0'; shipped versions: 1\.0\.0"):
        loader.load(version="2.0.0")


ERROR_CASES = [
    # (call, message pattern)
    (
        lambda: loader.load(clasification="SECRET"),
        r"unknown filter 'clasification' for cables.*did you mean 'classification'",
    ),
    (
        lambda: loader.load(subject="x"),
        r"unknown filter 'subject'.*search free text with contains=",
    ),
    (lambda: loader.load("news_articles", tags="GG"), r"unknown filter 'tags' for news_articles"),
    (
        lambda: loader.load(classification="SECRETS"),
        r"classification 'SECRETS' is not one of: UNCLASSIFIED, CONFIDENTIAL, SECRET, "
        r"TOP SECRET; did you mean 'SECRET'",
    ),
    (lambda: loader.load(date_from="Aug 2008"), r"date_from 'Aug 2008' is not a date: use YYYY"),
    (lambda: loader.load(date_to="2008-13"), r"date_to '2008-13' is not a date"),
    (lambda: loader.load(sections="two"), r"sections is a whole number, got 'two'"),
    (lambda: loader.load(partial="maybe"), r"partial is true or false"),
    (
        lambda: loader.load(columns=["id", "subjet"]),
        r"cables has no column 'subjet'.*did you mean 'subject'",
    ),
    (lambda: loader.load(output="pandsa"), r"unknown output 'pandsa'.*did you mean 'pandas'"),
    (
        lambda: loader.load(output="records", columns=["id"]),
        r"output='records' gives whole records",
    ),
    (lambda: loader.load(where={"tags": "GG"}, tags="RS"), r"given twice"),
    (lambda: loader.load(where="tags=GG"), r"where must be a pyarrow expression or a mapping"),
    (
        lambda: loader.load("cable_paragraphs", output="records"),
        r"cable_paragraphs rows are parts of a record",
    ),
    (lambda: loader.iter_records("cable_recipients"), r"cable_recipients rows are parts"),
    (
        lambda: loader.get_cable("07MOSCOW430"),
        r"no cable '07MOSCOW430' in version 1\.0\.0; did you mean '07MOSCOW4307'",
    ),
    (
        lambda: loader.find_record("2024-09-10-eadaily"),
        r"no cable or news article .*did you mean '2024-09-10-eadaily-kulakhmetov-interview'",
    ),
    (lambda: loader.info("news"), r"unknown dataset 'news'"),
    (lambda: loader.export("cables", "x.xml", format="xml"), r"unknown format 'xml'"),
]


@pytest.mark.parametrize(
    "call, pattern", ERROR_CASES, ids=[re.sub(r"\W+", " ", p)[:40] for _, p in ERROR_CASES]
)
def test_errors_say_what_is_valid(call, pattern):
    with pytest.raises(LoadError, match=pattern):
        call()


def test_tampered_file_is_named_and_no_data_is_returned(copy_of_data):
    assert len(loader.load("cables")) == 3  # verified and remembered
    shard = copy_of_data / "1.0.0" / "cables" / "train-00000-of-00001.parquet"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size: only the sha256 can tell
    shard.write_bytes(bytes(data))
    for output in ("pandas", "arrow", "records"):
        with pytest.raises(IntegrityError, match=r"differs from manifest.json") as caught:
            loader.load("cables", output=output)
        assert caught.value.path == "1.0.0/cables/train-00000-of-00001.parquet"
    with pytest.raises(IntegrityError, match=r"cables/train-00000-of-00001.parquet"):
        loader.get_cable("07MOSCOW4307")
    with pytest.raises(IntegrityError):  # a child table read through its parent's filter
        loader.load("cable_paragraphs", tags="GG")
    # The other tables are intact and still load.
    assert len(loader.load("news_articles")) == 2


def test_truncated_and_missing_files(copy_of_data):
    release = copy_of_data / "1.0.0"
    (release / "news_articles" / "train-00000-of-00001.parquet").write_bytes(b"PAR1")
    with pytest.raises(IntegrityError, match=r"4 bytes but manifest.json says"):
        loader.load("news_articles")
    (release / "cable_references" / "train-00000-of-00001.parquet").unlink()
    with pytest.raises(IntegrityError, match=r"missing, but listed in manifest.json"):
        loader.load("cable_references")
    (release / "croissant.json").write_text("{}")
    with pytest.raises(IntegrityError, match=r"croissant.json"):
        loader.info()


def test_checksums_are_computed_once_per_file(copy_of_data, monkeypatch):
    hashed: list[str] = []
    real = loader._sha256_file

    def counting(path: Path) -> str:
        hashed.append(path.name)
        return real(path)

    monkeypatch.setattr(loader, "_sha256_file", counting)
    loader.load("cables")
    assert hashed == ["train-00000-of-00001.parquet"]
    loader.load("cables", tags="GG")
    loader.get_cable("07MOSCOW4307")
    assert len(hashed) == 1
    shard = copy_of_data / "1.0.0" / "cables" / "train-00000-of-00001.parquet"
    shard.write_bytes(shard.read_bytes())  # same bytes, new mtime: checked again, and passes
    loader.load("cables")
    assert len(hashed) == 2


def test_manifest_in_the_wrong_folder_is_refused(copy_of_data):
    (copy_of_data / "1.0.0").rename(copy_of_data / "1.0.1")
    with pytest.raises(
        IntegrityError, match=r"says dataset version 1.0.0 but sits in folder 1.0.1"
    ):
        loader.load(version="1.0.1")


def test_no_data_anywhere(tmp_path, monkeypatch):
    monkeypatch.setenv(loader.DATA_ENV, str(tmp_path))
    with pytest.raises(LoadError, match=r"holds no release"):
        loader.load()
    monkeypatch.delenv(loader.DATA_ENV)
    monkeypatch.setattr(loader, "_candidate_dirs", lambda: iter([tmp_path / "a", tmp_path / "b"]))
    with pytest.raises(LoadError, match=r"no shipped data found; looked in \$CAUCASUS_CABLES_DATA"):
        loader.versions()


def test_lookup_order_packaged_data_before_the_checkout(monkeypatch, data_root, tmp_path):
    monkeypatch.delenv(loader.DATA_ENV)
    packaged, checkout = tmp_path / "_data", data_root
    monkeypatch.setattr(loader, "_candidate_dirs", lambda: iter([packaged, checkout]))
    assert loader.data_dir() == checkout  # no release packaged: the checkout's data/
    shutil.copytree(data_root / "1.0.0", packaged / "1.0.0")
    assert loader.data_dir() == packaged


def test_candidates_of_a_source_checkout():
    # Imported from the repository (editable install): _data inside the package, then data/.
    if not Path(loader.__file__).is_relative_to(REPO):
        pytest.skip("caucasus_cables is not imported from this checkout")
    assert list(loader._candidate_dirs()) == [REPO / "caucasus_cables" / "_data", REPO / "data"]


def test_hidden_folders_are_not_releases(copy_of_data):
    shutil.copytree(copy_of_data / "1.0.0", copy_of_data / ".2.0.0.building-x")
    assert loader.versions() == ["1.0.0"]


# -- Info -------------------------------------------------------------------------------------


def test_info_comes_from_the_manifest_card_and_croissant(data_root):
    manifest = json.loads((data_root / "1.0.0" / "manifest.json").read_text())
    about = loader.info()
    assert about.version == "1.0.0" == manifest["dataset_version"]
    assert about.content_sha256 == manifest["content_sha256"]
    assert about.rows == SEED_ROWS
    assert about.records == 5 and about.quarantined == 0
    assert "MIT" in about.license
    assert about.citation.startswith("@misc{caucasus_cables,")
    assert about.description.startswith("Diplomatic cables and news articles")
    text = about.summary()
    assert "cable_paragraphs" in text and "18 rows" in text and about.content_sha256 in text


def test_info_for_one_table_lists_its_files():
    about = loader.info("cables")
    assert list(about.tables) == ["cables"]
    (table,) = about.tables.values()
    assert table.columns[:2] == ("id", "id_source")
    assert [f.path for f in table.files] == ["cables/train-00000-of-00001.parquet"]
    assert table.files[0].rows == 3 and len(table.files[0].sha256) == 64
    assert about.description.startswith("Diplomatic cables (State Department telegrams)")


# -- Export -----------------------------------------------------------------------------------


def test_export_parquet_equals_load(tmp_path):
    out = tmp_path / "georgia.parquet"
    assert loader.export("cables", out, format="parquet", tags="GG") == 2
    assert pq.read_table(out).equals(loader.load("cables", output="arrow", tags="GG"))
    assert not list(tmp_path.glob(".*partial"))


def test_export_jsonl(tmp_path):
    out = tmp_path / "news.jsonl"
    assert loader.export("news_articles", out, format="jsonl") == 2
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert rows[0]["published"] == "2008-08-29"
    NewsArticle.model_validate(rows[1])  # every field, JSON-typed: a valid record again


def test_export_jsonl_datetimes_are_utc_iso(tmp_path):
    out = tmp_path / "c.jsonl"
    loader.export("cables", out, format="jsonl", columns=["id", "created"], id="07MOSCOW4307")
    assert json.loads(out.read_text()) == {"id": "07MOSCOW4307", "created": "2007-08-31T13:51:00Z"}


def test_export_csv_nested_columns_as_json(tmp_path):
    out = tmp_path / "c.csv"
    loader.export("cables", out, format="csv", columns=["id", "tags", "sections"], tags="TI")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines == [
        "id,tags,sections",
        '07MOSCOW4849,"[""PREL"", ""PGOV"", ""PINR"", ""TI"", ""RS""]",',
    ]


# -- Imports, doctests, README ----------------------------------------------------------------


def test_heavy_imports_only_when_asked(data_root):
    code = (
        "import sys, caucasus_cables as cc\n"
        "cc.load(); cc.load(output='arrow'); cc.load(output='records'); cc.info()\n"
        "print(sorted(m for m in ('datasets', 'polars', 'huggingface_hub') if m in sys.modules))\n"
        "cc.load(output='polars')\n"
        "print(sorted(m for m in ('datasets', 'polars') if m in sys.modules))\n"
    )
    env = {"PATH": "/usr/bin:/bin", loader.DATA_ENV: str(data_root)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines() == ["[]", "['polars']"]


def test_module_doctests(hf_cache):
    result = doctest.testmod(loader)
    assert result.attempted >= 5 and result.failed == 0


def test_publish_plan_offline():
    plan = plan_publish("my-org/caucasus-cables")
    assert plan.tag == "v1.0.0"
    assert plan.url == "https://huggingface.co/datasets/my-org/caucasus-cables"
    paths = [f.path for f in plan.files]
    assert paths[-1] == "manifest.json" and "cables/train-00000-of-00001.parquet" in paths
    assert "README.md" in paths and "croissant.json" in paths
    with pytest.raises(PublishError, match=r"is not 'owner/name'"):
        plan_publish("caucasus-cables")


README_SECTION = "## Quick start: loading the data"


def readme_examples() -> str:
    """The README's quick-start section (up to the next '## ' heading)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(README_SECTION)
    end = text.find("\n## ", start + len(README_SECTION))
    return text[start : end if end > 0 else None]


def run_readme_doctests(section: str) -> doctest.TestResults:
    """Run every ```pycon block of ``section`` as one doctest (names carry over)."""
    blocks = re.findall(r"```pycon\n(.*?)```", section, re.DOTALL)
    test = doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner()
    runner.run(test)
    return runner.summarize(verbose=False)


def test_readme_quick_start_runs_as_written(hf_cache):
    result = run_readme_doctests(readme_examples())
    assert result.attempted >= 15 and result.failed == 0


def test_readme_hub_example_is_python():
    (block,) = re.findall(r"```python\n(.*?)```", readme_examples(), re.DOTALL)
    compile(block, "README.md", "exec")
    assert 'revision="v1.0.0"' in block and '"cables"' in block


def test_publish_doctests():
    from caucasus_cables import publish

    result = doctest.testmod(publish)
    assert result.attempted >= 1 and result.failed == 0


@pytest.mark.slow
def test_speed_benchmark_runs(data_root):
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "load_speed.py"), "--repeat", "1", "--warm",
         "1", "--data", str(data_root)],
        capture_output=True,
        text=True,
        check=True,
    )  # fmt: skip
    assert "load('cables', output='pandas'): 3 rows; 1 fresh processes" in done.stdout
    assert "cold: import + first load()" in done.stdout
