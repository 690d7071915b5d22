"""Deprecated alias of :mod:`aseanai.checks`, kept only while ``build.py`` imports ``.validate``.

``aseanai.validate`` is the function; import the checks from :mod:`aseanai.checks`.
Remove this file once nothing imports it.
"""
from .checks import check_package, load_all, validate  # noqa: F401
