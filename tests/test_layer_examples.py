"""Run the convolution and LSTM examples and check their printed accuracy."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def printed_accuracy(script: str) -> float:
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    match = re.search(r"^test accuracy: (\d\.\d{3})$", result.stdout, re.MULTILINE)
    assert match is not None, result.stdout
    return float(match.group(1))


@pytest.mark.parametrize(
    ("script", "minimum"), [("digits_cnn.py", 0.97), ("sequence_rnn.py", 0.95)]
)
def test_example_reaches_accuracy(script: str, minimum: float) -> None:
    pytest.importorskip("sklearn")
    assert printed_accuracy(script) >= minimum
