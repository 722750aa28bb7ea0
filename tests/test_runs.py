"""What a run folder is: files written whole, the argument record a resume must match, and the one
line that says a run folder is damaged."""
import json

import numpy as np
import pytest

from training.cli import UserError
from training.pipeline import runs


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
    with pytest.raises(UserError, match=r"other arguments: seed 0 -> 7; config.batch_size 128 -> 64; run the same"):
        runs.start_or_resume(out, {**record, "seed": 7, "config": {"batch_size": 64}})
    with pytest.raises(UserError, match=r"other arguments: config.critic_per_batch \(not recorded\) -> 32; run"):
        runs.start_or_resume(out, {**record, "config": {"batch_size": 128, "critic_per_batch": 32}})
    (out / "metrics.json").write_text("{}")
    with pytest.raises(UserError, match="already holds a finished run"):
        runs.start_or_resume(out, record)


def test_a_csv_history_is_rewritten_whole(tmp_path):
    runs.write_csv(tmp_path / "h.csv", [{"epoch": 0, "loss": 0.5}, {"epoch": 1, "loss": 0.25}])
    assert (tmp_path / "h.csv").read_text() == "epoch,loss\n0,0.5\n1,0.25\n"


@pytest.mark.parametrize("content, problem", [("[]", "(a JSON list, not a run record)"),
                                              ('{"seed": 0, "pre', "(JSONDecodeError: ")])
def test_a_run_record_that_cannot_be_read_says_the_folder_is_damaged(tmp_path, content, problem):
    out = tmp_path / "run"
    out.mkdir()
    (out / "run.json").write_text(content)
    with pytest.raises(UserError) as raised:
        runs.start_or_resume(out, {"seed": 0})
    assert str(raised.value).startswith(f"{out / 'run.json'}: cannot read it {problem}")
    assert str(raised.value).endswith("the run folder is damaged: start a new run with another --out")
    assert (out / "run.json").read_text() == content


def cut_short(path):
    path.write_bytes(path.read_bytes()[:len(path.read_bytes()) // 2])


CHECKPOINT_DAMAGE = {  # file, damage, what the line says about it
    "record cut short": ("stage.json", cut_short, "(JSONDecodeError: "),
    "record not a checkpoint's": ("stage.json", lambda p: p.write_text('{"done": "1"}'), "(not a checkpoint record)"),
    "weights missing": ("stage_001.weights.npz", lambda p: p.unlink(), "(No such file or directory)"),
    "weights cut short": ("stage_001.weights.npz", cut_short, "(BadZipFile: "),
    "weights of another model": ("stage_001.weights.npz", lambda p: np.savez(p, v0=np.zeros(3)), "(ValueError: "),
    "optimizer cut short": ("stage_001.optimizer.npz", cut_short, "(BadZipFile: "),
    "codes cut short": ("stage_001.codes.npy", cut_short, "(ValueError: "),
}


@pytest.mark.parametrize("case", sorted(CHECKPOINT_DAMAGE))
def test_a_checkpoint_that_cannot_be_read_says_the_folder_is_damaged(tmp_path, case):
    """A resume reads a stage's checkpoint: a file missing or cut short is one UserError naming it (it
    was a JSONDecodeError, or an OSError the CLI called 'cannot write the run')."""
    import tf_keras as keras

    from training.pipeline.checkpoints import Checkpoints
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.Adam(), "mse")
    model.fit(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)  # the optimizer's state exists
    codes = np.arange(8, dtype=np.float32).reshape(4, 2)
    Checkpoints(tmp_path, "stage", model).save(1, [{"epoch": 0, "loss": 0.5}], codes)
    done, history, loaded = Checkpoints(tmp_path, "stage", model).load()
    assert (done, history) == (1, [{"epoch": 0, "loss": 0.5}]) and np.array_equal(loaded, codes)
    name, damage, problem = CHECKPOINT_DAMAGE[case]
    damage(tmp_path / "checkpoints" / name)
    with pytest.raises(UserError) as raised:
        Checkpoints(tmp_path, "stage", model).load()
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / 'checkpoints' / name}: cannot read it {problem}") and "\n" not in message
    assert message.endswith("the run folder is damaged: start a new run with another --out")
