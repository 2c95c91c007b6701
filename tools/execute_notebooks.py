r"""Execute notebooks top to bottom in a fresh kernel and store their outputs in place.

    python tools/execute_notebooks.py [NOTEBOOK ...]    (default: every notebook in notebooks/)

Widget state is not stored in the notebooks' metadata (it churns diffs and, when
incomplete, breaks rendering on GitHub), nor the cells' execution times; nbval
compares the text outputs.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import course  # noqa: E402  (the repository's course.py: standard library only)

course.reproducible_environment()  # the kernels compute what nbval will compare


def execute(path: Path, timeout: int = 600) -> float:
    r"""Run one notebook in place; return the wall time in seconds."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            store_widget_state=False, record_timing=False)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:  # no execution times either: they churn every diff
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    errors = [(index, output.get("ename")) for index, cell in enumerate(nb.cells)
              for output in cell.get("outputs", []) if output.get("output_type") == "error"]
    if errors:  # e.g. raised while displaying a figure, after the cell itself succeeded
        sys.exit(f"{path.name}: error outputs in cells {errors}")
    return seconds


def main(paths: list[str]) -> None:
    notebooks = [Path(p) for p in paths] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in notebooks:
        print(f"{path.name}: executing ...", flush=True)
        print(f"{path.name}: {execute(path):.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
