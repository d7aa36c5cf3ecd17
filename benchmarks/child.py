"""Runs one benchmark module in a new interpreter and reads its JSON line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run_module(module: str, arguments: list[str]) -> Any:
    """Run ``python -m module arguments`` from the repository root.

    Returns:
        the value of the JSON text on the last line of its standard output.
    """
    command = [sys.executable, "-m", module, *arguments]
    completed = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])
