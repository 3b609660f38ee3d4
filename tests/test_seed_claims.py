"""Tests for tools/seed_claims.py: the tally, the table and its --only --write merge, on claims
that need no Keras, and the replay of EarlyStopping that lesson 05's claims use."""

import importlib.util
from pathlib import Path

import keras
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("seed_claims", ROOT / "tools" / "seed_claims.py")
seed_claims = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seed_claims)
Claim = seed_claims.Claim


def test_a_claim_needs_8_of_10_seeds():
    assert seed_claims.tally(Claim("06", "8 of 10", lambda seed: seed < 8)) == (8, 10, True)
    assert seed_claims.tally(Claim("06", "7 of 10", lambda seed: seed < 7)) == (7, 10, False)


def test_every_seed_is_tried_once_and_truthy_results_count(capsys):
    tried = []

    def holds(seed):
        tried.append(seed)
        return "yes" if seed % 3 == 0 else ""

    assert seed_claims.tally(Claim("06", "a third", holds)) == (4, 10, False)
    assert tried == list(range(10))


def test_the_table_marks_a_claim_that_depends_on_the_seed(capsys):
    report = seed_claims.table(
        [Claim("02", "always", lambda seed: True), Claim("07", "rarely", lambda seed: seed == 3)]
    )
    assert "| 02 | always | 10/10 | ok |" in report
    assert "| 07 | rarely | 1/10 | REWORD |" in report


def test_the_committed_table_lists_every_claim_with_its_result():
    table = (ROOT / "tests" / "data" / "seed_claims.md").read_text()
    for claim in seed_claims.CLAIMS:
        assert f"| {claim.notebook} | {claim.text} | " in table


def test_only_and_write_replace_that_notebooks_rows_and_keep_the_others(tmp_path, monkeypatch):
    old = seed_claims.table([Claim("02", "a", lambda seed: True), Claim("03", "b", bool)])
    table = tmp_path / "seed_claims.md"
    table.write_text(old + "| 09 | a claim no longer listed | 1/10 | REWORD |\n")
    monkeypatch.setattr(seed_claims, "TABLE", table)
    claims = [
        Claim("02", "a", lambda seed: False),  # not re-run: keeps its old row
        Claim("03", "b", lambda seed: seed < 8),
        Claim("03", "new", lambda seed: seed < 2),
    ]
    monkeypatch.setattr(seed_claims, "CLAIMS", claims)
    seed_claims.main(["--only", "03", "--write"])
    assert table.read_text() == seed_claims.table(
        [Claim("02", "a", lambda seed: True), *claims[1:]]
    )


def early_stopping_in_keras(values, mode, patience):
    """Keras's EarlyStopping fed ``values`` epoch by epoch: its best and stopped epochs."""

    class Model:  # all EarlyStopping asks of a model without restore_best_weights
        stop_training = False

    callback = keras.callbacks.EarlyStopping(monitor="v", mode=mode, patience=patience)
    callback.set_model(Model())
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"v": value})
        if callback.model.stop_training:
            return callback.best_epoch, epoch
    return callback.best_epoch, len(values)


@pytest.mark.parametrize("mode", ["min", "max"])
@pytest.mark.parametrize("patience", [1, 2, 3, 10])
def test_early_stopping_replays_keras_early_stopping(mode, patience):
    rng = np.random.default_rng(patience)
    for values in (
        [3.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5],  # ties are no improvement
        [1.0, 2.0, 3.0, 4.0, 5.0],
        *rng.integers(0, 6, size=(50, 30)).astype(float).tolist(),
    ):
        expected = early_stopping_in_keras(values, mode, patience)
        assert seed_claims.early_stopping(values, mode, patience) == expected, values
