"""How often ``diagnose`` agrees with the labelled corpus (part of `make corpus`).

Reads every case that ``tools/record_histories.py`` stored in tests/data/histories/, asks
``diagnose`` for a verdict (on the case's penalty-free metric, with its baseline) and
prints a Markdown table of agreement per label: for the cases used to choose
``diagnose``'s thresholds, for the held-out cases (never looked at while tuning), and for
the runs a lesson shows. ``--write`` also saves it to tests/data/corpus_agreement.md.

A "no signal" case (nothing in the features predicts the target) has no verdict of its
own: from one run's curves it looks exactly like a model too small to learn, so
``diagnose`` calls it "underfitting", whose explanation names both causes. It counts as
agreeing when that is the verdict.

    python tools/corpus_agreement.py           # print the table
    python tools/corpus_agreement.py --write   # and save it
"""

import argparse
import json
from collections import Counter
from pathlib import Path

from course_utils.diagnosis import diagnose

ROOT = Path(__file__).resolve().parents[1]
HISTORY_DIR = ROOT / "tests" / "data" / "histories"
TABLE = ROOT / "tests" / "data" / "corpus_agreement.md"
LABELS = ("overfitting", "still improving", "underfitting", "good fit", "no signal")
EXPECTED = {label: label for label in LABELS} | {"no signal": "underfitting"}


def load_corpus(directory=HISTORY_DIR):
    """Every recorded case, as a list of dicts, sorted by name."""
    return [json.loads(path.read_text()) for path in sorted(directory.glob("*.json"))]


def verdict(case):
    """``diagnose``'s verdict for a recorded case, read on its penalty-free metric."""
    return diagnose(case["history"], case["baseline"], metric=case["metric"]).verdict


def agreement(cases):
    """{label: (agreeing, total)} and the overall (agreeing, total) for ``cases``."""
    counts, agree = Counter(), Counter()
    for case in cases:
        counts[case["label"]] += 1
        agree[case["label"]] += verdict(case) == EXPECTED[case["label"]]
    per_label = {label: (agree[label], counts[label]) for label in LABELS if counts[label]}
    return per_label, (sum(agree.values()), sum(counts.values()))


def _share(agreeing, total):
    return f"{agreeing}/{total} ({agreeing / total:.0%})" if total else "-"


def table(cases):
    """The Markdown report: agreement per label and part of the corpus, then the misses."""
    parts = {
        "tuning": [c for c in cases if not c["held_out"]],
        "held out": [c for c in cases if c["held_out"]],
        "shown in a lesson": [c for c in cases if c["lesson"]],
        "all": cases,
    }
    results = {name: agreement(part) for name, part in parts.items()}
    lines = [
        "# `diagnose` against the labelled corpus",
        "",
        f"{len(cases)} real Keras runs recorded by `tools/record_histories.py` (its docstring "
        "and `label` give the rules that label each run from evidence `diagnose` never sees). "
        'Made by `python tools/corpus_agreement.py --write`. A "no signal" run agrees when '
        '`diagnose` says "underfitting" (see that script\'s docstring).',
        "",
        "| label | " + " | ".join(parts) + " |",
        "| --- |" + " --- |" * len(parts),
    ]
    for label in LABELS:
        cells = [_share(*results[name][0].get(label, (0, 0))) for name in parts]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append(
        "| **overall** | " + " | ".join(_share(*results[name][1]) for name in parts) + " |"
    )
    found = {case["name"]: verdict(case) for case in cases}
    misses = [
        (case["name"], case["label"], found[case["name"]])
        for case in cases
        if found[case["name"]] != EXPECTED[case["label"]]
    ]
    lines += ["", "Runs where `diagnose` disagrees with the label:", ""]
    lines += [f"- `{name}`: labelled {label}, diagnosed {found}" for name, label, found in misses]
    if not misses:
        lines.append("- none")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"also save it to {TABLE.name}")
    args = parser.parse_args(argv)
    report = table(load_corpus())
    print(report)
    if args.write:
        TABLE.write_text(report)


if __name__ == "__main__":
    main()
