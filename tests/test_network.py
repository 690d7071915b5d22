"""Nothing reaches the network: the suite runs with pytest-socket refusing all but loopback.

These tests check the guard without sending a packet anywhere.
"""
import socket


def test_suite_runs_with_only_loopback_allowed(request):
    allowed = request.config.getoption("allow_hosts")
    assert allowed, "pytest-socket's --allow-hosts is not set in pyproject.toml"
    hosts = set(allowed.split(",") if isinstance(allowed, str) else allowed)
    assert hosts <= {"127.0.0.1", "::1", "localhost"}


def test_socket_connect_is_guarded_by_pytest_socket():
    connect = socket.socket.connect
    assert connect.__module__ == "pytest_socket", f"socket.connect is not guarded ({connect.__module__})"
