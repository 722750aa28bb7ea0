"""Session fixtures: a tiny run trained on the shipped fixture, and its conversion."""
import pytest
from helpers import FIXTURE, run_cli, train_args

SHARED = {"tiny_run", "tiny_model"}  # session fixtures worth making once: their tests share one worker


def pytest_collection_modifyitems(items):
    for item in items:
        if SHARED & set(item.fixturenames):
            item.add_marker(pytest.mark.xdist_group("tiny"))


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """A finished run folder: the default preset, 1 + 2 epochs, 2 rounds and 8 picker epochs on the 2,000-digit
    fixture (two rounds: test_interrupt resumes from between them)."""
    out = tmp_path_factory.mktemp("runs") / "tiny"
    done = run_cli(*train_args(out))
    assert done.returncode == 0, done.stderr[-2000:]
    return out


@pytest.fixture(scope="session")
def tiny_model(tiny_run, tmp_path_factory):
    """tiny_run converted as the site would ship it (default: mixed uint8/uint16 weights)."""
    out = tmp_path_factory.mktemp("converted") / "tiny"
    done = run_cli("-m", "training.convert", tiny_run, out, "--data", FIXTURE)
    assert done.returncode == 0, done.stderr[-2000:]
    return out
