r"""Loaded by pytest for every test path of the repository (tests/ and notebooks/).

Sets course.REPRODUCIBLE_ENV before any kernel starts, so that nbval's kernels
compute the stored outputs bit for bit on any x86-64 machine, also when pytest is
run directly rather than through ``python3 course.py test``.
"""

import course

course.reproducible_environment()
