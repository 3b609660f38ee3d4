"""pytest set-up shared by the unit tests and nbval.

Hypothesis keeps its cache in a temporary folder, so the suite writes nothing into the
repository.

nbval compares every stream a cell prints, stderr included. TensorFlow and Keras write
platform-dependent notices to stderr, and a learner's lesson never lives there, so this
hook drops stderr streams from both the stored and the fresh outputs before nbval compares
them. Everything else (stdout, results, figure reprs) is still compared.
"""

import tempfile

from hypothesis.configuration import set_hypothesis_home_dir
from nbval.plugin import IPyNbCell

set_hypothesis_home_dir(tempfile.mkdtemp(prefix="hypothesis-"))

_compare_outputs = IPyNbCell.compare_outputs


def _without_stderr(outputs):
    return [out for out in outputs if out.get("name") != "stderr"]


def _compare_outputs_without_stderr(self, test, ref, skip_compare=None):
    return _compare_outputs(self, _without_stderr(test), _without_stderr(ref), skip_compare)


IPyNbCell.compare_outputs = _compare_outputs_without_stderr
