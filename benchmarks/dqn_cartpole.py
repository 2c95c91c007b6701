r"""DQN on CartPole-v1 for several seeds: episodes and wall time to the classic "solved".

    python benchmarks/dqn_cartpole.py [SEEDS...]          (default: seeds 0 1 2 3 4)

"Solved" is the classic criterion (CartPole-v0's): a mean return of at least 195
over the last 100 episodes; episodes last up to 500 steps (v1). Settings:
``dqn.CARTPOLE_SETTINGS``. After training, the greedy policy (no exploration) is
run for 10 episodes from new random starts; their mean length is printed too.

The numbers depend on the machine's rounding: run it through ``python3 course.py``'s
environment (one OpenBLAS thread, AVX2 kernels), as the notebooks run, and on an
otherwise idle machine.
"""

from __future__ import annotations

import os
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # before numpy, as course.py sets it

import numpy as np  # noqa: E402

from course_lib import cartpole, dqn  # noqa: E402


def main(seeds: list[int]) -> None:
    print(f"{'seed':>4} {'solved at episode':>18} {'steps':>7} {'seconds':>8} "
          f"{'greedy mean length':>19}")
    for seed in seeds:
        start = time.perf_counter()
        agent, history = dqn.train_dqn(cartpole.CartPole(), np.random.default_rng(seed),
                                       episodes=1000, settings=dqn.CARTPOLE_SETTINGS,
                                       solved_at=195)
        seconds = time.perf_counter() - start
        policy = agent.policy(cartpole.CartPole.encode)
        rng = np.random.default_rng(1000 + seed)
        lengths = [len(cartpole.rollout(policy, rng).actions) for _ in range(10)]
        solved = history.solved_episode if history.solved_episode else "not solved"
        print(f"{seed:>4} {solved!s:>18} {history.total_steps:>7} {seconds:>8.1f} "
              f"{np.mean(lengths):>19.0f}", flush=True)


if __name__ == "__main__":
    main([int(s) for s in sys.argv[1:]] or [0, 1, 2, 3, 4])
