"""What a run folder is: files written whole, the argument record a resume must match."""
import json

import pytest

from training import runs


def test_a_file_written_whole_is_never_half_there(tmp_path):
    target = tmp_path / "state.json"
    runs.write_text(target, "old")

    def interrupted(tmp):
        tmp.write_text("half of the ne")
        raise KeyboardInterrupt
    try:
        runs.write_whole(target, interrupted)
    except KeyboardInterrupt:
        pass
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["state.json"]


def test_a_run_folder_records_its_arguments_and_a_resume_must_match(tmp_path):
    out = tmp_path / "run"
    record = {"seed": 0, "preset": "default", "config": {"batch_size": 128}}
    assert runs.start_or_resume(out, record) is False
    assert json.loads((out / "run.json").read_text()) == record
    assert runs.start_or_resume(out, record) is True
    with pytest.raises(runs.RunError, match=r"other arguments: seed 0 -> 7; config.batch_size 128 -> 64; run the same"):
        runs.start_or_resume(out, {**record, "seed": 7, "config": {"batch_size": 64}})
    (out / "metrics.json").write_text("{}")
    with pytest.raises(runs.RunError, match="already holds a finished run"):
        runs.start_or_resume(out, record)


def test_a_csv_history_is_rewritten_whole(tmp_path):
    runs.write_csv(tmp_path / "h.csv", [{"epoch": 0, "loss": 0.5}, {"epoch": 1, "loss": 0.25}])
    assert (tmp_path / "h.csv").read_text() == "epoch,loss\n0,0.5\n1,0.25\n"
