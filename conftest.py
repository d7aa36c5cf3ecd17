"""Run the code blocks of README.md and docs/*.md as tests.

A Python block with ``>>>`` lines is a doctest whose shown output must
match; any other Python block must run without error. Blocks of one file
share a namespace, in order.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

from sybil import Sybil
from sybil.parsers.markdown import PythonCodeBlockParser

pytest_collect_file = Sybil(
    parsers=[
        PythonCodeBlockParser(doctest_optionflags=ELLIPSIS | NORMALIZE_WHITESPACE)
    ],
    patterns=["README.md", "docs/*.md"],
).pytest()
