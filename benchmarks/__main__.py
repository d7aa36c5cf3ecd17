"""Command line: ``python -m benchmarks [--quick] [--output PATH]``."""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks.settings import BY_NAME
from benchmarks.suite import run_all

DEFAULT_OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def main() -> None:
    """Parse the arguments and run the suite."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--settings",
        choices=sorted(BY_NAME),
        default="full",
        help="problem sizes: full (the stated targets), quick (under a minute) or tiny",
    )
    parser.add_argument("--quick", action="store_true", help="same as --settings quick")
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help="where to write the Markdown page (default: docs/benchmarks.md)",
    )
    parser.add_argument(
        "--command",
        default="python -m benchmarks",
        help="the command to name on the page, such as 'make bench'",
    )
    arguments = parser.parse_args()
    settings = BY_NAME["quick" if arguments.quick else arguments.settings]
    run_all(settings, arguments.output, arguments.command)


if __name__ == "__main__":
    main()
