"""course_utils: the small library behind the course "Training vs validation loss".

Each module holds one idea, and each is short enough to read:

=======================  ====================================================
module                   what it gives you
=======================  ====================================================
``reproducibility``      ``seed_everything``: one call before building a model
``datasets``             ``load_dataset``: the course's CSV files, checksum-verified
``splits``               ``split_data``: train / validation / test, scaled on train
``baselines``            ``baseline_loss``: the loss of the best constant guess
``feeding``              ``fit_data``: fast input pipelines for the tools and the explorer
``plots``                ``plot_history``: training solid, validation dashed
``figure_text``          ``describe``: what a figure (or a history) shows, in words
``live``                 ``LiveLossPlot``: curves drawn while ``fit`` runs
``histories``            ``curves``: read what ``model.fit`` recorded
``diagnosis``            ``diagnose``: underfitting, overfitting, good fit...
``experiments``          ``run_experiment``: one seeded run of the lessons' classifier
``explorer``             ``CurveExplorer``: a slider per lever, the curves redrawn
``checks``               self-checks for the exercises
``environment_check``    ``python -m course_utils check``
=======================  ====================================================

Names are imported on first use, so ``import course_utils`` stays cheap and the
environment check still runs when a package (Keras, say) is missing.

>>> import subprocess, sys
>>> cheap = "import sys, course_utils; print(sorted({'keras', 'tensorflow'} & set(sys.modules)))"
>>> subprocess.run([sys.executable, "-c", cheap], capture_output=True, text=True).stdout.strip()
'[]'
>>> import course_utils
>>> from course_utils.diagnosis import diagnose
>>> course_utils.diagnose is diagnose
True
>>> [name for name in course_utils.__all__ if not hasattr(course_utils, name)]
[]
>>> course_utils.no_such_name
Traceback (most recent call last):
AttributeError: module 'course_utils' has no attribute 'no_such_name'
"""

import importlib

# public name -> module that defines it
_EXPORTS = {
    "seed_everything": "reproducibility",
    "load_dataset": "datasets",
    "dataset_names": "datasets",
    "verify_datasets": "datasets",
    "split_data": "splits",
    "baseline_loss": "baselines",
    "fit_data": "feeding",
    "plot_history": "plots",
    "describe": "figure_text",
    "set_description": "figure_text",
    "LiveLossPlot": "live",
    "diagnose": "diagnosis",
    "Diagnosis": "diagnosis",
    "CurveExplorer": "explorer",
    "run_environment_check": "environment_check",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'course_utils' has no attribute {name!r}")
    module = importlib.import_module(f"course_utils.{_EXPORTS[name]}")
    return getattr(module, name)


def __dir__():
    return sorted(set(globals()) | set(_EXPORTS))
