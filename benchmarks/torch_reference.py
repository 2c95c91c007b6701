r"""PyTorch's CPU timings for the layers course_lib implements (run in its own process).

    python benchmarks/torch_reference.py      (needs the bench extra: pip install torch==2.13.0)

Prints one JSON object: median milliseconds per forward+backward for each case,
with torch limited to 2 threads. ``benchmarks/compare_torch.py`` runs this in a
separate process, because PyTorch and numpy's OpenBLAS in one process slow
each other down.
"""

from __future__ import annotations

import json
import sys

from timing import median_ms  # benchmarks/timing.py, beside this script


def main() -> None:
    try:
        import torch
    except ImportError:
        print(json.dumps({"error": "torch is not installed: pip install torch==2.13.0"}))
        return
    torch.set_num_threads(2)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(32, 3, 32, 32, dtype=torch.float64, generator=g, requires_grad=True)
    conv = torch.nn.Conv2d(3, 16, 3, stride=1, padding=1).double()
    pooled_in = torch.randn(32, 16, 32, 32, dtype=torch.float64, generator=g, requires_grad=True)

    lstm = torch.nn.LSTM(10, 64, batch_first=True).double()
    sequences = torch.randn(32, 50, 10, dtype=torch.float64, generator=g, requires_grad=True)
    dh = torch.randn(32, 50, 64, dtype=torch.float64, generator=g)

    def lstm_step():
        h, _ = lstm(sequences)
        h.backward(dh)

    def conv_step():
        out = conv(x)
        out.backward(torch.ones_like(out))

    def pool_step():
        out = torch.nn.functional.max_pool2d(pooled_in, 2, 2)
        out.backward(torch.ones_like(out))

    print(json.dumps({"torch": torch.__version__, "conv2d_ms": median_ms(conv_step),
                      "maxpool2d_ms": median_ms(pool_step), "lstm_ms": median_ms(lstm_step)}))


if __name__ == "__main__":
    sys.exit(main())
