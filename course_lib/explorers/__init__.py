r"""Widget builders for the notebooks, one module per topic.

Each builder returns a :class:`course_lib.widgets.LivePanel`; the notebook displays it.
"""
