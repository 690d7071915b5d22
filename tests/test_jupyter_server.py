"""A real Jupyter Server on loopback: list the notebooks through its REST API and run cells in a kernel it starts."""
from __future__ import annotations

import json
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import uuid

import nbformat
import pytest

from aseanai.notebooks import notebook_paths

from conftest import REPO

websocket = pytest.importorskip("websocket")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port, token = _free_port(), secrets.token_hex(16)
    home = tmp_path_factory.mktemp("jupyter")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         "--LabApp.extension_manager=readonly",
         f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
         f"--ServerApp.root_dir={REPO / 'notebooks'}", f"--ServerApp.runtime_dir={home}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            _get(base, token, "/api/status")
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"jupyter server did not start: {proc.stdout.read()[-2000:]}")
            time.sleep(0.3)
    yield base, token, port
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _request(base, token, path, method="GET", body=None):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode() if body else None,
                                 headers={"Authorization": f"token {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=20) as resp:
        text = resp.read().decode()
        return json.loads(text) if text else None


def _get(base, token, path):
    return _request(base, token, path)


def test_rest_api_lists_the_notebooks(server):
    base, token, _ = server
    listing = _get(base, token, "/api/contents/")
    names = sorted(item["name"] for item in listing["content"] if item["type"] == "notebook")
    assert names == sorted(p.name for p in notebook_paths())
    nb = _get(base, token, "/api/contents/03_investment.ipynb")
    assert nb["content"]["cells"][0]["source"].startswith("# 3. Investment")


def test_kernel_started_by_the_server_runs_the_first_cells(server):
    base, token, port = server
    kernel = _request(base, token, "/api/kernels", method="POST", body={"name": "python3"})
    code = [c.source for c in nbformat.read(REPO / "notebooks" / "03_investment.ipynb", as_version=4).cells
            if c.cell_type == "code"]
    cells = [code[0], next(c for c in code if c.startswith('sg = inv.loc[["sg_budget2024_ai"]]'))]
    ws = websocket.create_connection(f"ws://127.0.0.1:{port}/api/kernels/{kernel['id']}/channels?token={token}",
                                     timeout=60)
    try:
        outputs = [_execute(ws, code) for code in cells]
    finally:
        ws.close()
        _request(base, token, f"/api/kernels/{kernel['id']}", method="DELETE")
    assert outputs[0] == ("ok", [])  # imports and loading print nothing
    status, texts = outputs[1]
    assert status == "ok"
    assert any("more than SGD 1.0 bn" in t and "USD 743 m" in t for t in texts)


def _execute(ws, code: str):
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "username": "test", "session": uuid.uuid4().hex, "msg_type": "execute_request",
                   "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell",
        "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True}}))
    texts, status = [], None
    deadline = time.monotonic() + 60
    while status is None and time.monotonic() < deadline:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind in ("execute_result", "display_data"):
            texts.append(msg["content"]["data"].get("text/plain", ""))
        elif kind == "stream":
            texts.append(msg["content"]["text"])
        elif kind == "error":
            texts.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
        elif kind == "execute_reply":
            status = msg["content"]["status"]
    return status, texts
