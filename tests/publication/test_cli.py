"""The ranking CLI round trip: import-counts → publish → export → verify, and its refusals."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from survey.models import Agency, ImportedCount, Snapshot
from survey.publication.opendata import OPEN_DATA_FIELDS

GOOD = """agency_code,agency_name,peer_group,parent_code,responses,positive
H1,Hospital One,hospital,ST-A,200,150
H2,Hospital Two,hospital,ST-A,300,280
H3,Hospital Three,hospital,ST-B,50,20
H4,Hospital Four,hospital,ST-B,4,4
"""


def write(tmp_path, text: str, name: str = "counts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_round_trip(runner, db, tmp_path):
    result = runner.invoke(args=["ranking", "import-counts", write(tmp_path, GOOD), "--period", "2017-Q3"])
    assert result.exit_code == 0, result.output
    assert "Imported 4 agencies" in result.output
    assert db.session.scalar(select(Agency).where(Agency.code == "H1")).parent.code == "ST-A"

    result = runner.invoke(args=["ranking", "publish", "--period", "2017-Q3"])
    assert result.exit_code == 0, result.output
    assert "2017-Q3 hospital: snapshot" in result.output

    exported = runner.invoke(args=["ranking", "export", "--period", "2017-Q3", "--format", "csv"])
    assert exported.output.startswith("\ufeff")  # the same bytes as the site's download
    rows = list(csv.DictReader(io.StringIO(exported.output.removeprefix("\ufeff"))))
    assert [r["agency_code"] for r in rows] == ["H1", "H2", "H3", "H4"]
    assert list(rows[0])[: len(OPEN_DATA_FIELDS)] == list(OPEN_DATA_FIELDS)
    assert rows[3]["suppressed"] == "1" and rows[3]["responses"] == ""

    document = json.loads(runner.invoke(args=["ranking", "export", "--period", "2017-Q3", "--format", "json"]).output)
    [snap] = document["snapshots"]
    assert snap["snapshot"]["hash"] and snap["rows"][0]["rate"] == pytest.approx(0.75)

    verified = runner.invoke(args=["ranking", "verify"])
    assert verified.exit_code == 0 and "1 intact, 0 with differences" in verified.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("agency_code,responses\nH1,10\n", "missing column"),
        (GOOD + "H5,Five,hospital,,ten,3\n", "whole number"),
        (GOOD + "H5,Five,hospital,,10,11\n", "exceeds responses"),
        (GOOD + "H5,Five,hospital,,-1,0\n", "negative"),
        (GOOD + "H1,Again,hospital,,10,1\n", "repeats line"),
        (GOOD + "H 6;DROP,Six,hospital,,10,1\n", "agency_code"),
        (GOOD + "H7,Seven,hospital,,10,1,extra\n", "more values"),
        ("agency_code,agency_name,peer_group,parent_code,responses,positive\n", "no data rows"),
    ],
)
def test_bad_count_files_store_nothing(runner, db, tmp_path, text, message):
    result = runner.invoke(args=["ranking", "import-counts", write(tmp_path, text), "--period", "2017-Q3"])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(ImportedCount)) == 0
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0


def test_non_utf8_file_is_refused(runner, db, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes(GOOD.replace("One", "Öne").encode("latin-1"))
    result = runner.invoke(args=["ranking", "import-counts", str(path), "--period", "2017-Q3"])
    assert result.exit_code != 0 and "UTF-8" in result.output


@pytest.mark.parametrize("period", ["2026-13", "2026-Q5", "last month", ""])
def test_bad_periods_are_refused(runner, period):
    result = runner.invoke(args=["ranking", "publish", "--period", period])
    assert result.exit_code == 2


def test_unfinished_period_needs_provisional(runner, db, tmp_path):
    runner.invoke(args=["ranking", "import-counts", write(tmp_path, GOOD), "--period", "2099-01"])
    result = runner.invoke(args=["ranking", "publish", "--period", "2099-01"])
    assert result.exit_code == 1 and "has not ended" in result.output
    assert db.session.scalar(select(func.count()).select_from(Snapshot)) == 0
    result = runner.invoke(args=["ranking", "publish", "--period", "2099-01", "--provisional"])
    assert result.exit_code == 0 and db.session.scalar(select(Snapshot)).provisional


def test_export_of_unpublished_period_fails_cleanly(runner, db):
    result = runner.invoke(args=["ranking", "export", "--period", "2017-Q3"])
    assert result.exit_code == 1 and "nothing published" in result.output


HEADER = "agency_code,agency_name,peer_group,parent_code,responses,positive\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ('H5,"=HYPERLINK(""http://x"")",hospital,,10,1', "agency_name"),
        ("H5,+cmd,hospital,,10,1", "agency_name"),
        ('H5,"Five\r\nSix",hospital,,10,1', "agency_name"),
        ('H5,Five,"hos\rpital",,10,1', "peer_group"),
        ("Н5,Cyrillic look-alike,hospital,,10,1", "agency_code"),  # Cyrillic capital En
        ("H５,Fullwidth digit,hospital,,10,1", "agency_code"),
        ("H5,Five,hospital,ＳT-A,10,1", "parent_code"),
        ("H5,Five,hospital,," + "9" * 5000 + ",1", "whole number"),
        ("H5,Five,hospital,,10,²", "whole number"),
    ],
)
def test_hostile_count_rows_are_refused_and_nothing_is_stored(runner, db, tmp_path, row, message):
    result = runner.invoke(args=["ranking", "import-counts", write(tmp_path, GOOD + row + "\n"), "--period", "2017-Q3"])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count()).select_from(ImportedCount)) == 0
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0


def test_one_agency_described_two_ways_is_refused(runner, db, tmp_path):
    text = (
        "agency_code,agency_name,peer_group,parent_code,responses,positive,service_category\n"
        "A1,One,unit,,100,95,easy\nA1,One,other-unit,,100,50,hard\n"
    )
    result = runner.invoke(args=["ranking", "import-counts", write(tmp_path, text), "--period", "2017-Q3"])
    assert result.exit_code != 0 and "described differently on line 2" in result.output
    assert db.session.scalar(select(func.count()).select_from(Agency)) == 0


def test_a_parent_listed_in_the_same_file_keeps_its_own_name_and_group(runner, db, tmp_path):
    text = HEADER + "W1,Ward One,ward,D1,100,90\nD1,District One,district,,200,170\nW2,Ward Two,ward,D9,50,40\n"
    result = runner.invoke(args=["ranking", "import-counts", write(tmp_path, text), "--period", "2017-Q3"])
    assert result.exit_code == 0, result.output
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    assert (agencies["D1"].name_vi, agencies["D1"].peer_group) == ("District One", "district")
    assert agencies["W1"].parent.code == "D1"
    assert (agencies["D9"].peer_group, agencies["W2"].parent.code) == ("region", "D9")  # named, not listed


def test_counts_per_service_category_enter_case_mix(runner, db, tmp_path):
    text = (
        "agency_code,agency_name,peer_group,parent_code,responses,positive,service_category\n"
        "A1,One,unit,,100,95,easy\nA1,One,unit,,100,50,hard\n"
        "A2,Two,unit,,100,96,easy\nA3,Three,unit,,100,94,easy\nA4,Four,unit,,100,52,hard\n"
    )
    assert runner.invoke(args=["ranking", "import-counts", write(tmp_path, text), "--period", "2017-Q3"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ImportedCount)) == 5
    assert runner.invoke(args=["ranking", "publish", "--period", "2017-Q3", "--no-charts"]).exit_code == 0
    snapshot = db.session.scalar(select(Snapshot))
    assert snapshot.summary["case_mix"] is True and snapshot.summary["categories"] == ["easy", "hard"]
    a1 = next(e for e in snapshot.entries if e.agency_code == "A1")
    assert a1.figures["inputs"]["n_by_category"] == [100, 100]
    assert runner.invoke(args=["ranking", "verify"]).exit_code == 0


def test_open_data_csv_cells_are_formula_safe_whatever_is_stored(runner, db, tmp_path):
    assert runner.invoke(args=["ranking", "import-counts", write(tmp_path, GOOD), "--period", "2017-Q3"]).exit_code == 0
    db.session.scalar(select(Agency).where(Agency.code == "H1")).name_vi = "=1+2"  # stored before the rule existed
    db.session.commit()
    assert runner.invoke(args=["ranking", "publish", "--period", "2017-Q3", "--no-charts"]).exit_code == 0
    exported = runner.invoke(args=["ranking", "export", "--period", "2017-Q3", "--format", "csv"]).output
    rows = list(csv.DictReader(io.StringIO(exported.removeprefix("\ufeff"))))
    assert rows[0]["agency_name"] == "'=1+2"
