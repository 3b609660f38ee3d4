"""The lessons' own set-ups, for the tools, checks and tests that re-run them.

One module per lesson (``lesson05`` is ``notebooks/05_*.ipynb``), so that a function can call
the lesson's other functions by the names its cells use. Each function is a copy of one cell
(or of a run of statements in it) and names that cell in its docstring: "Stands for cell
``cf2c8782``". ``tests/test_lessons.py`` compares the two and fails when they differ, so a
change to a lesson's model, split or fit shows up in the answer key and the evidence scripts
instead of silently leaving them behind. The notebooks keep their own plain Keras code.

A function's parameters are the cell's own (for a ``def`` in the cell), then:

- parameters without a default: variables the cell reads from earlier cells, by the same name
  (``x_train``);
- keyword-only parameters with a default: values the cell writes as literals, such as the
  split's ``random_state=6`` or the ``seed=0`` of ``seed_everything(0)``. The default is the
  lesson's value; the evidence scripts pass others.
"""
