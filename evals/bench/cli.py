"""CLI start-up benchmark: wall time of `assistant --help` and of `assistant ask --url` against a
warm server, each as a fresh process, as an officer at a terminal would run them.

    python evals/bench/cli.py --url http://127.0.0.1:8000 [--rounds 5] [--out evals/bench/out]

Without --url only `--help` is timed. The targets are `--help` under 0.3 s and `ask --url` under
1 s; nothing asserts them, this prints and records what they are on this machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ASSISTANT = str(Path(sys.executable).parent / "assistant")
QUESTION = "What was Pioneer Somerset's savings target?"


def timed(args: list[str], rounds: int) -> list[float]:
    """Seconds per run of the command, after one untimed run to warm the file cache."""
    subprocess.run(args, capture_output=True, check=True)
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        out.append(time.perf_counter() - started)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", help="a running `assistant serve`, for `ask --url`")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "evals" / "bench" / "out")
    args = parser.parse_args()
    commands = {"help": [ASSISTANT, "--help"]}
    if args.url:
        commands["ask --url"] = [ASSISTANT, "ask", "--url", args.url, QUESTION]
    results = {}
    for name, command in commands.items():
        seconds = timed(command, args.rounds)
        results[name] = {"median_s": statistics.median(seconds), "max_s": max(seconds), "runs": seconds}
        print(f"assistant {name:10} median {statistics.median(seconds):.3f} s  max {max(seconds):.3f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "cli.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
