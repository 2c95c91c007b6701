r"""course_lib's conv2d, max pooling and LSTM against PyTorch's CPU versions, on this machine.

    python benchmarks/compare_torch.py [PYTHON_WITH_TORCH]

Times course_lib here and PyTorch in a separate process (the given interpreter,
default: this one), both in float64, N=32, C=3->16, 32x32, K=3, stride 1,
padding 1, max pooling 2x2 on (32, 16, 32, 32), and an LSTM over N=32 sequences
of T=50 steps, D=10 inputs, H=64 cells (``nn.LSTM``). Goals from the course's
issue list: conv2d at most 1.5x PyTorch's time, max pooling at most 1x, the LSTM at most
0.5x.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from timing import median_ms  # benchmarks/timing.py, beside this script

from course_lib import conv, lstm, lstm_fused, pooling

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> None:
    rng = np.random.default_rng(0)
    x, w, b = rng.normal(size=(32, 3, 32, 32)), rng.normal(size=(16, 3, 3, 3)), np.zeros(16)
    pooled_in = rng.normal(size=(32, 16, 32, 32))

    def conv_step():
        out, cache = conv.conv2d_forward(x, w, b, 1, 1)
        conv.conv2d_backward(np.ones_like(out), cache)

    def pool_step():
        out, cache = pooling.maxpool2d_forward(pooled_in, 2, 2)
        pooling.maxpool2d_backward(np.ones_like(out), cache)

    params = lstm.lstm_init(10, 64, rng)
    sequences, dh = rng.normal(size=(32, 50, 10)), rng.normal(size=(32, 50, 64))

    workspace = lstm_fused.Workspace()  # as SequenceClassifier trains: its scratch array reused

    def lstm_step():
        _, cache = lstm_fused.lstm_forward(sequences, None, params)
        lstm_fused.lstm_backward(dh, cache, workspace)

    ours = {"conv2d_ms": median_ms(conv_step), "maxpool2d_ms": median_ms(pool_step),
            "lstm_ms": median_ms(lstm_step)}
    python = argv[0] if argv else sys.executable
    result = subprocess.run([python, str(HERE / "torch_reference.py")], capture_output=True,
                            text=True, check=False)
    torch = json.loads(result.stdout.strip().splitlines()[-1]) if result.stdout else {}
    print(f"{'layer (forward + backward)':<28} {'course_lib ms':>13} {'PyTorch ms':>10} "
          f"{'ratio':>6}  goal")
    for key, name, goal in (("conv2d_ms", "conv2d 32x3->16 32x32 K3", 1.5),
                            ("maxpool2d_ms", "max pool 2x2 32x16x32x32", 1.0),
                            ("lstm_ms", "LSTM N32 T50 D10 H64", 0.5)):
        if key in torch:
            ratio = ours[key] / torch[key]
            flag = "ok" if ratio <= goal else "SLOW"
            print(f"{name:<28} {ours[key]:>13.2f} {torch[key]:>10.2f} {ratio:>6.2f}  "
                  f"<= {goal:g}x {flag}")
        else:
            print(f"{name:<28} {ours[key]:>13.2f} {'-':>10}  {torch.get('error', result.stderr)}")


if __name__ == "__main__":
    main(sys.argv[1:])
