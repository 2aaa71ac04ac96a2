"""`python -m bench <benchmark> [options]`: one subcommand per benchmark."""

import argparse
import signal
import sys
from collections.abc import Callable, Sequence
from types import FrameType

from bench import dedup, harness, intake, kb, queue, routing, scaleout, sla, stats, webhooks

# Each benchmark module adds its subcommand and sets `run` (Namespace -> exit code).
BENCHMARKS = (intake, routing, sla, dedup, queue, webhooks, scaleout, kb, stats)


def _exit_on_sigterm(_signum: int, _frame: FrameType | None) -> None:
    # An exception, unlike the default action, runs the finally blocks that stop the servers.
    sys.exit(143)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    commands = parser.add_subparsers(dest="benchmark", required=True, metavar="BENCHMARK")
    for benchmark in BENCHMARKS:
        benchmark.add_parser(commands)
    arguments = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    run: Callable[[argparse.Namespace], int] = arguments.run
    try:
        return run(arguments)
    except harness.BenchError as error:
        print(f"bench {arguments.benchmark}: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
