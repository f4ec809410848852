"""`flask cases import FILE.csv`: good rows stored, bad rows reported with reasons."""

from __future__ import annotations

from sqlalchemy import func, select

from survey.models import Case

HEADER = "agency_code,service_code,case_ref,received_at,due_at,completed_at,channel\n"
ROW = (
    "{agency},HT-KHAISINH,{ref},2026-10-01T08:00:00+07:00,2026-10-02T17:00:00+07:00,2026-10-02T10:00:00+07:00,counter\n"
)


def write(tmp_path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "cases.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def cases(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_good_and_bad_rows_are_reported(runner, city, db, tmp_path):
    text = HEADER + ROW.format(agency="Q1-BN", ref="A-1") + ROW.format(agency="NOPE", ref="A-2")
    text += "Q1-BN,HT-KHAISINH,A-3,yesterday,2026-10-02T17:00:00,2026-10-02T10:00:00,counter\n"
    text += ROW.format(agency="Q1-BN", ref="<script>") + "Q1-BN,HT-KHAISINH,A-5\n"
    result = runner.invoke(args=["cases", "import", write(tmp_path, text)])
    assert result.exit_code == 0, result.output
    assert "Accepted 1 new, 0 already registered, rejected 4." in result.output
    assert "unknown agency code" in result.output and "received_at" in result.output
    assert cases(db) == 1
    again = runner.invoke(args=["cases", "import", write(tmp_path, text)])
    assert "Accepted 0 new, 1 already registered" in again.output and cases(db) == 1


def test_missing_columns_and_bad_encoding_store_nothing(runner, city, db, tmp_path):
    result = runner.invoke(args=["cases", "import", write(tmp_path, "agency_code,case_ref\nQ1-BN,A-1\n")])
    assert result.exit_code != 0 and "missing columns" in result.output
    latin = HEADER + ROW.format(agency="Q1-BN", ref="Ã-1")
    result = runner.invoke(args=["cases", "import", write(tmp_path, latin, "latin-1")])
    assert result.exit_code != 0 and "UTF-8" in result.output
    assert cases(db) == 0


def test_all_rows_rejected_exits_non_zero(runner, city, db, tmp_path):
    result = runner.invoke(args=["cases", "import", write(tmp_path, HEADER + ROW.format(agency="NOPE", ref="B-1"))])
    assert result.exit_code == 1 and cases(db) == 0
