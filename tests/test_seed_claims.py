"""Tests for tools/seed_claims.py: the tally and the table, on claims that need no Keras."""

import importlib.util
from pathlib import Path

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
