"""aseanai: sourced data and metrics on Southeast Asia's pragmatic approach to AI.

>>> import aseanai
>>> aseanai.validate()          # every problem in data/, [] when clean
[]
>>> agreements = aseanai.load("agreements")
>>> tables = aseanai.load_all()

``import aseanai`` stays light: plotting modules import matplotlib and seaborn
only when they are imported themselves.
"""
from .datapackage import DataError, Problem, data_dir, read_package
from .load import load
from .validate import load_all, validate

__all__ = ["DataError", "Problem", "data_dir", "load", "load_all", "read_package", "validate"]
__version__ = "0.1.0"
