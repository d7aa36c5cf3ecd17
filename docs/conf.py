"""Sphinx configuration of the microframe documentation site.

The site builds offline: Mermaid diagrams are rendered to SVG at build time
with the Mermaid CLI from node_modules (``make mermaid-tools`` installs it),
and no extension fetches anything from the network.
"""

import sys
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

project = "microframe"
author = "microframe contributors"
copyright = "microframe contributors"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinxcontrib.mermaid",
]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]

napoleon_google_docstring = True
napoleon_numpy_docstring = False
# Attributes as fields: Dense documents params["weight"] and params["bias"],
# which would otherwise be two descriptions of one attribute.
napoleon_use_ivar = True
napoleon_custom_sections = ["Shapes"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
# Show the alias rather than its expansion, ndarray[tuple[Any, ...], dtype[Any]].
autodoc_type_aliases = {"Array": "Array"}

myst_fence_as_directive = ["mermaid"]
myst_heading_anchors = 3

mermaid_output_format = "svg"
mermaid_cmd = str(ROOT / "node_modules" / ".bin" / "mmdc")
mermaid_params = ["-p", str(ROOT / "puppeteer-config.json")]

html_theme = "pydata_sphinx_theme"
html_title = "microframe"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}


def _skip_metadata_request_setters(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: object
) -> bool | None:
    # scikit-learn adds set_<method>_request methods to every estimator
    # class; their docstrings refer to scikit-learn's own glossary, which
    # this site does not have.
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app: Sphinx) -> None:
    app.connect("autodoc-skip-member", _skip_metadata_request_setters)
