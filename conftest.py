"""Run the code blocks of README.md and docs/*.md as tests.

A Python block with ``>>>`` lines is a doctest whose shown output must
match; any other Python block must run without error. Blocks of one file
share a namespace, in order.
"""

import os
from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from hypothesis import settings
from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)
    ],
    patterns=["README.md", "docs/*.md"],
).pytest()

# CI replays the same property-test examples on every run, so a result
# never depends on the draw; local runs keep exploring new examples.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
