"""Tests for tools/seed_claims.py: the tally, the table and its --only --write merge, on claims
that need no Keras, and the replay of EarlyStopping that lesson 05's claims use. The lessons'
splits, models and fits it re-runs are course_utils.lessons', which tests/test_lessons.py
checks against the notebooks' cells."""

import importlib.util
from pathlib import Path

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


@pytest.mark.parametrize(
    ("values", "mode", "patience", "kept_and_stopped"),
    [
        ([3.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5], "min", 2, (3, 5)),  # a tie is no improvement
        ([3.0, 2.0, 2.0, 1.0, 1.0, 1.0, 0.5], "min", 3, (6, 7)),  # never stops
        ([0.5, 0.7, 0.7, 0.6, 0.8, 0.6, 0.6], "max", 2, (1, 3)),  # stops before the 0.8
        ([1.0, 2.0, 3.0, 4.0, 5.0], "min", 1, (0, 1)),
    ],
)
def test_early_stopping_replays_the_curve_through_keras_early_stopping(
    values, mode, patience, kept_and_stopped
):
    assert seed_claims.early_stopping(values, mode, patience) == kept_and_stopped
