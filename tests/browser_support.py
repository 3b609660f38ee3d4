"""What the browser tests share: the system's Chromium, the rule for when it is missing, and
where screenshots go.

Playwright drives Debian's `chromium` package (`.ci/run` installs it); `playwright install`, its
own browser download, is never needed. Screenshots go to test-artifacts/ at the repository root
(gitignored), for a person to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
CHROMIUM = next(
    (path for path in map(shutil.which, ("chromium", "chromium-browser")) if path), None
)
INSTALL_CHROMIUM = "Chromium (Debian: apt-get install chromium; .ci/run installs it)"


def require(what, needs):
    """Skip the calling test module when one of ``needs`` ({how to install it: present?}) is
    missing, naming each; in CI (CI=true) fail instead, since CI must run every test."""
    missing = [install for install, present in needs.items() if not present]
    if not missing:
        return
    message = f"{what} needs " + "; ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail("in CI, " + message, pytrace=False)
    pytest.skip(message, allow_module_level=True)


def screenshot(page, name, **options):
    """Save what ``page`` shows as test-artifacts/``name``; returns the PNG's bytes."""
    ARTIFACTS.mkdir(exist_ok=True)
    return page.screenshot(path=ARTIFACTS / name, **options)
