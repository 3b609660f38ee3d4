"""The cell tags and metadata keys the course's tools read, defined once.

Authors set them in JupyterLab's property inspector; CONTRIBUTING.md says what each does.

>>> SOLUTION, LIVE, RUN
('solution', 'live', 'run')
"""

SOLUTION = "solution"  # a worked solution: folded in notebooks/, replaced in the copies
PLACEHOLDER = "solution-placeholder"  # the empty cell the copies hold instead (set by the tool)
LIVE = "live"  # code the instructor types in front of the room: empty in live-coding/
RUN = "run"  # code the instructor runs, not types, in front of the room: kept in live-coding/
NBVAL_IGNORE_OUTPUT = "nbval-ignore-output"  # output depends on the machine: run, not compared
SOLUTION_HEADER = "# Solution (try the exercise first)\n"  # a folded solution cell's first line
LEARNER_SOURCE = "learner_source"  # cell metadata: the cell's text in the classroom copies
