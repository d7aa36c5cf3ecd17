"""Render Mermaid text to SVG or PNG with the Mermaid CLI (``mmdc``).

The CLI is a Node.js program that drives a headless Chromium; it is not a
Python dependency. In a checkout, ``make mermaid-tools`` installs both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from microframe.errors import MissingDependencyError

# Install locations of the CLI and its Chromium settings in a checkout, as
# ``make mermaid-tools`` leaves them.
_CHECKOUT = Path(__file__).resolve().parent.parent.parent
DEFAULT_MMDC = _CHECKOUT / "node_modules" / ".bin" / "mmdc"
DEFAULT_PUPPETEER_CONFIG = _CHECKOUT / "puppeteer-config.json"


def find_mmdc() -> Path | None:
    """Return the Mermaid CLI of this checkout, else ``mmdc`` on PATH, else None."""
    if DEFAULT_MMDC.exists():
        return DEFAULT_MMDC
    found = shutil.which("mmdc")
    return None if found is None else Path(found)


def chromium_environment(folder: Path) -> dict[str, str]:
    """Return the environment for mmdc with Chromium's files under ``folder``.

    Chromium writes its profile and caches under the home, config, cache and
    temporary folders; pointing them at ``folder`` keeps the user's home
    untouched.
    """
    environment = dict(os.environ)
    for name, sub in (
        ("HOME", "home"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_CACHE_HOME", "cache"),
        ("TMPDIR", "tmp"),
    ):
        path = folder / sub
        path.mkdir(parents=True, exist_ok=True)
        environment[name] = str(path)
    return environment


def render_mermaid(
    text: str,
    path: str | Path,
    *,
    mmdc: str | Path | None = None,
    puppeteer_config: str | Path | None = None,
    timeout: float = 120.0,
) -> Path:
    """Render Mermaid ``text`` to ``path``; the suffix picks SVG, PNG or PDF.

    Args:
        text: Mermaid source, such as ``model.to_mermaid(x)``.
        path: the file to write, ending in ``.svg``, ``.png`` or ``.pdf``.
        mmdc: the Mermaid CLI; by default this checkout's
            ``node_modules/.bin/mmdc``, else ``mmdc`` on PATH.
        puppeteer_config: JSON settings for Chromium (executable path and
            flags); by default this checkout's ``puppeteer-config.json``
            when it exists.
        timeout: seconds before the CLI is stopped.

    Returns:
        The path written.

    Raises:
        MissingDependencyError: when no Mermaid CLI is found.
        subprocess.CalledProcessError: when the CLI fails, for example on
            invalid Mermaid text.
    """
    program = Path(mmdc) if mmdc is not None else find_mmdc()
    if program is None or not program.exists():
        raise MissingDependencyError(
            "render_mermaid: the Mermaid CLI (mmdc) was not found; run "
            "`make mermaid-tools` in a checkout, or install "
            "@mermaid-js/mermaid-cli with npm and pass mmdc=PATH."
        )
    config = puppeteer_config
    if config is None and DEFAULT_PUPPETEER_CONFIG.exists():
        config = DEFAULT_PUPPETEER_CONFIG
    target = Path(path).resolve()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "diagram.mmd"
        source.write_text(text, encoding="utf-8")
        command = [str(program), "-i", str(source), "-o", str(target), "--quiet"]
        if config is not None:
            command += ["-p", str(config)]
        subprocess.run(
            command,
            check=True,
            capture_output=True,
            env=chromium_environment(Path(folder)),
            timeout=timeout,
        )
    return target
