"""The report in a real browser: headless Chromium renders the pages, every figure loads, no console error.

Needs Debian's chromium (.ci/run installs it); skips with the reason where it is missing.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-default-apps", "--mute-audio", "--hide-scrollbars"]

# Injected first in <head> of a copy of the page: records errors and, on load, what the page shows.
PROBE = """<script>
window.__errs = [];
window.addEventListener('error', e => __errs.push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href)))), true);
const __ce = console.error; console.error = (...a) => { __errs.push(a.join(' ')); __ce(...a); };
window.addEventListener('load', () => {
  const imgs = [...document.images];
  const r = {images: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
             h1: [...document.querySelectorAll('h1')].map(h => h.textContent.trim()),
             h2: [...document.querySelectorAll('h2')].map(h => h.textContent.trim()), errors: __errs};
  const p = document.createElement('pre'); p.id = 'aseanai-probe'; p.textContent = JSON.stringify(r);
  document.body.appendChild(p);
});
</script>"""


def _chromium(tmp_path, *args, timeout=60):
    return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args],
                          capture_output=True, text=True, timeout=timeout)


def _probe(page, tmp_path):
    probed = page.with_name(page.stem + ".probe.html")
    text = page.read_text(encoding="utf-8")
    probed.write_text(text.replace("<head>", "<head>" + PROBE, 1), encoding="utf-8")
    run = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--virtual-time-budget=10000", "--dump-dom",
                    probed.as_uri())
    probed.unlink()
    found = re.search(r'<pre id="aseanai-probe">(.*?)</pre>', run.stdout, re.S)
    assert found, f"no probe result; chromium said: {run.stderr[-1500:]}"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&").replace("&lt;", "<")
                        .replace("&gt;", ">"))
    console = [line for line in run.stderr.splitlines() if "CONSOLE" in line and "error" in line.lower()]
    return result, console


def _screenshot(page, tmp_path):
    shot = tmp_path / f"{page.stem}.png"
    _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", "--virtual-time-budget=10000",
              page.as_uri())
    return shot


def test_index_renders_with_every_figure_and_no_error(report, tmp_path):
    out, _, _ = report
    result, console = _probe(out / "index.html", tmp_path)
    assert result["h1"] == ["Southeast Asia's pragmatic approach to AI, as evidence"]
    assert {"Notebooks", "Key figures", "The column's claims", "All figures"} <= set(result["h2"])
    assert result["images"] >= 3 and result["loaded"] == result["images"]
    assert result["errors"] == [] and console == []
    shot = _screenshot(out / "index.html", tmp_path)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_notebook_page_renders_offline_with_its_figures(report, tmp_path):
    out, _, _ = report
    result, console = _probe(out / "html" / "02_data_centres.html", tmp_path)
    assert result["h1"] and result["h1"][0].startswith("2. ")
    assert "Exercises" in " ".join(result["h2"])
    assert result["images"] >= 4 and result["loaded"] == result["images"]
    assert result["errors"] == [] and console == []
    shot = _screenshot(out / "html" / "02_data_centres.html", tmp_path)
    assert shot.stat().st_size > 20_000
