"""Sphinx configuration of the sknar documentation."""

import os
import warnings
from pathlib import Path

import sknar

project = "sknar"
author = "The sknar developers"
copyright = "2026, The sknar developers"
release = sknar.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

autosummary_generate = True
autodoc_default_options = {
    "members": True,
    "inherited-members": False,
    # scikit-learn's metadata-routing setters document sklearn's own glossary
    "exclude-members": "set_fit_request,set_score_request,set_predict_request,"
                       "set_transform_request,set_output,get_metadata_routing",
}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/**/*.ipynb"]

html_theme = "pydata_sphinx_theme"
html_static_path = ["_static"]
html_title = f"sknar {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}

# Examples find the benchmark tables through the data home, as users do.
os.environ.setdefault("SKNAR_DATA_HOME", str(Path(__file__).resolve().parents[2] / "shared" / "data"))
os.environ.setdefault("MPLBACKEND", "Agg")
warnings.filterwarnings("ignore", category=UserWarning, message="Matplotlib is currently using agg")

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "reference_url": {"sknar": None},
    # "Examples using X" on every API page (the autosummary templates add a minigallery)
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("sknar",),
}
