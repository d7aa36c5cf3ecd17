"""Warnings attributed to the user's code rather than to microframe's."""

from __future__ import annotations

import os
import sys
import warnings

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def warn_caller(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning at the first stack frame outside the microframe package.

    A fixed ``stacklevel`` breaks whenever the call path inside the package
    changes, so the level is found by walking the stack instead.
    """
    frame = sys._getframe(1)
    level = 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(
        _PACKAGE_DIR
    ):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)
