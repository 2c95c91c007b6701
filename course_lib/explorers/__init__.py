r"""Widget builders for the notebooks, one module per topic.

Each explorer is a small class (``PerceptronExplorer``, ``TrajectoryLab``,
``Playground``, ...): its state is set in ``__init__``, its figure drawn once
and updated in place, and its ``panel`` (a :class:`course_lib.widgets.LivePanel`)
is what the notebook displays. A function of the same name in lower case
(``perceptron_explorer()``) builds one and returns its panel.
"""
