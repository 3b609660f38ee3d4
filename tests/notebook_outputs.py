"""What the notebook tests compare: a code cell's outputs as nbval compares them.

Text only (stdout, the plain-text form of results and displays, errors), with the volatile
parts masked by tests/nbval_sanitize.cfg; stderr and images are left out, as nbval does here.
"""

import configparser
import re
from functools import cache
from pathlib import Path

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")


@cache
def _sanitizers():
    config = configparser.ConfigParser()
    config.read(SANITIZE)
    return [(re.compile(config[s]["regex"]), config[s]["replace"]) for s in config.sections()]


def compared_text(cell):
    """``cell``'s outputs as one masked text, for comparing a fresh run with the stored one."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stdout":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"ERROR {output.ename}: {output.evalue}")
    text = "".join(parts)
    for regex, replacement in _sanitizers():
        text = regex.sub(replacement, text)
    return text
