"""``import aseanai`` stays light."""
import subprocess
import sys


def test_import_does_not_pull_in_plotting_libraries():
    code = ("import sys, aseanai; "
            "print(sorted(m for m in ('matplotlib', 'seaborn', 'pycountry', 'frictionless') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_public_api():
    import aseanai

    for name in ("load", "load_all", "validate", "DataError"):
        assert hasattr(aseanai, name)
    assert issubclass(aseanai.DataError, ValueError)
