"""The preview server on a hostile network: bursts of connections, foreign Host headers, clients that leave.

Every case runs the real server on a free port of 127.0.0.1 (or ::1) and speaks raw HTTP to it, so
each request carries exactly the headers written here.
"""

from __future__ import annotations

import selectors
import socket
import struct
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from example import CLOCK

from statusgen.errors import StatusgenError
from statusgen.serve import http
from statusgen.serve.http import RELOAD_PATH, VERSION_PATH, host_allowed
from statusgen.serve.server import DevServer

BURST = 200
REFUSAL = (
    b"421 Misdirected Request: statusgen serve answers only requests addressed to localhost, "
    b"127.0.0.1, [::1] or the address it listens on (--host). Open http://127.0.0.1:%d/\n"
)
EVIL = ("evil.example", "evil.example:{port}", "localhost.evil.example", "127.0.0.1.evil.example:{port}")


def exchange(address: tuple[str, int], request: bytes) -> bytes:
    """Send ``request`` as written and read the answer until the server closes the connection."""
    with socket.socket(socket.AF_INET6 if ":" in address[0] else socket.AF_INET) as connection:
        connection.settimeout(10)
        connection.connect(address)
        connection.sendall(request)
        chunks = []
        while chunk := connection.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def ask(server: DevServer, path: str, *headers: str, method: str = "GET") -> tuple[int, bytes]:
    """``method path`` with exactly ``headers`` (and ``Connection: close``): status and body."""
    lines = [f"{method} {path} HTTP/1.1", *headers, "Connection: close", "", ""]
    answer = exchange(server.address, "\r\n".join(lines).encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def reset(connection: socket.socket) -> None:
    """Close the way a tab that reloads or a phone that loses its network does: a reset, no goodbye."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


@pytest.fixture
def repo(fixture_repo: Callable[[str], Path]) -> Path:
    return fixture_repo("minimal")


@pytest.fixture
def server(repo: Path) -> Iterator[DevServer]:
    with DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None, debounce_ms=50) as running:
        yield running


def test_a_burst_of_simultaneous_connections_is_answered_within_seconds(server: DevServer) -> None:
    port = server.address[1]
    request = f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()
    answers: dict[socket.socket, bytearray] = {}
    with selectors.DefaultSelector() as selector:
        for _ in range(BURST):
            connection = socket.socket()
            connection.setblocking(False)
            connection.connect_ex(("127.0.0.1", port))
            selector.register(connection, selectors.EVENT_WRITE)
            answers[connection] = bytearray()
        finished = []
        deadline = time.monotonic() + 10
        while len(finished) < BURST and time.monotonic() < deadline:
            for key, events in selector.select(0.2):
                connection = key.fileobj
                assert isinstance(connection, socket.socket)
                if events & selectors.EVENT_WRITE:
                    connection.sendall(request)
                    selector.modify(connection, selectors.EVENT_READ)
                elif chunk := connection.recv(65536):
                    answers[connection] += chunk
                else:
                    selector.unregister(connection)
                    finished.append(connection)
        elapsed = time.monotonic() - deadline + 10
        for connection in answers:
            connection.close()
    assert len(finished) == BURST, f"{BURST - len(finished)} of {BURST} still waiting after {elapsed:.1f} s"
    assert all(answers[c].startswith(b"HTTP/1.1 200 ") for c in finished)


def test_a_foreign_host_header_gets_421_and_no_site_byte(server: DevServer) -> None:
    port = server.address[1]
    for host in EVIL:
        for path in ("/", "/internal/", "/public/", RELOAD_PATH, "/nothing-here"):
            status, body = ask(server, path, f"Host: {host.format(port=port)}")
            assert (status, body) == (421, REFUSAL % port), (host, path)
    status, body = ask(server, "/internal/", "Host: evil.example", method="HEAD")
    assert (status, body) == (421, b"")


def test_the_long_poll_refuses_a_foreign_host_at_once(server: DevServer) -> None:
    started = time.monotonic()
    status, body = ask(server, f"{VERSION_PATH}?site=internal&since=1", "Host: evil.example")
    assert (status, body) == (421, REFUSAL % server.address[1])
    assert time.monotonic() - started < 5  # answered without waiting for a rebuild


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param((), id="no Host header"),
        pytest.param(("Host: localhost", "Host: evil.example"), id="two Host headers"),
        pytest.param(("Host: evil.example", "Host: localhost"), id="two Host headers, good last"),
        pytest.param(("Host: ",), id="empty"),
        pytest.param(("Host: localhost:",), id="empty port"),
        pytest.param(("Host: localhost:80a",), id="port not a number"),
        pytest.param(("Host: localhost:123456",), id="port too long"),
        pytest.param(("Host: user@localhost",), id="user info"),
        pytest.param(("Host: localhost/evil",), id="path"),
        pytest.param(("Host: [::1",), id="unclosed bracket"),
        pytest.param(("Host: ::1",), id="IPv6 without brackets"),
        pytest.param(("Host: localhost.",), id="trailing dot"),
    ],
)
def test_a_missing_or_malformed_host_header_is_refused(server: DevServer, headers: tuple[str, ...]) -> None:
    assert ask(server, "/internal/", *headers) == (421, REFUSAL % server.address[1])


def test_an_http_1_0_request_without_host_is_refused(server: DevServer) -> None:
    answer = exchange(server.address, b"GET /internal/ HTTP/1.0\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 421 Misdirected Request\r\n")
    assert answer.endswith(b"\r\n\r\n" + REFUSAL % server.address[1])


def test_localhost_names_with_or_without_the_port_are_answered(server: DevServer) -> None:
    port = server.address[1]
    for host in ("localhost", "127.0.0.1", f"localhost:{port}", f"127.0.0.1:{port}", "LocalHost:8000"):
        status, body = ask(server, "/internal/", f"Host: {host}")
        assert status == 200, host
        assert b"Acme Internal Status" in body
    assert ask(server, RELOAD_PATH, f"Host: localhost:{port}")[0] == 200
    version = server.state.snapshot.version("internal")
    poll = ask(server, f"{VERSION_PATH}?site=internal&since=stale", f"Host: 127.0.0.1:{port}")
    assert poll == (200, version.encode())


def test_an_absolute_request_target_cannot_name_another_host(server: DevServer) -> None:
    status, body = ask(server, "http://evil.example/internal/", "Host: localhost")
    assert status == 404
    assert b"Acme Internal Status" not in body


def test_an_ipv6_loopback_server_answers_bracketed_hosts(repo: Path) -> None:
    with DevServer(repo, host="::1", port=0, clock=lambda: CLOCK, log=lambda _: None) as server:
        port = server.address[1]
        assert server.url == f"http://[::1]:{port}/"
        assert ask(server, "/internal/", f"Host: [::1]:{port}")[0] == 200
        assert ask(server, "/internal/", "Host: localhost")[0] == 200
        assert ask(server, "/internal/", "Host: evil.example")[0] == 421


def test_a_server_on_every_address_accepts_the_address_a_request_came_to() -> None:
    # What a phone sends to a server started with --host 0.0.0.0 on a laptop at 192.168.1.20.
    assert host_allowed("192.168.1.20:8000", bound="0.0.0.0", local="192.168.1.20")
    assert host_allowed("0.0.0.0:8000", bound="0.0.0.0", local="192.168.1.20")
    assert host_allowed("[fe80::1]:8000", bound="::", local="fe80::1")
    assert host_allowed("192.168.1.20:8000", bound="::", local="::ffff:192.168.1.20")
    assert host_allowed("my-laptop.lan:8000", bound="my-laptop.lan", local="192.168.1.20")
    assert not host_allowed("my-laptop.lan:8000", bound="0.0.0.0", local="192.168.1.20")
    assert not host_allowed("192.168.1.21:8000", bound="0.0.0.0", local="192.168.1.20")
    assert not host_allowed("evil.example", bound="0.0.0.0", local="192.168.1.20")


def test_an_address_that_cannot_be_listened_on_says_which_option_to_change(repo: Path) -> None:
    with pytest.raises(StatusgenError) as refused:
        DevServer(
            repo, host="192.0.2.1", port=0, clock=lambda: CLOCK
        )  # an address reserved for documentation
    assert refused.value.format_message() == (
        "cannot listen on 192.0.2.1:0 (Cannot assign requested address); "
        "pass --host 127.0.0.1 or another address of this machine"
    )
    with (
        DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None) as running,
        pytest.raises(StatusgenError) as taken,
    ):
        DevServer(repo, port=running.address[1], clock=lambda: CLOCK)
    port = running.address[1]
    assert taken.value.format_message() == (
        f"cannot listen on 127.0.0.1:{port} (Address already in use); pass another --port"
    )


def test_a_client_that_leaves_mid_answer_prints_no_traceback(
    server: DevServer, capfd: pytest.CaptureFixture[str]
) -> None:
    port = server.address[1]
    host = f"Host: 127.0.0.1:{port}"
    waiting = socket.create_connection(server.address)
    since = server.state.snapshot.version("internal")
    waiting.sendall(f"GET {VERSION_PATH}?site=internal&since={since} HTTP/1.1\r\n{host}\r\n\r\n".encode())
    half = socket.create_connection(server.address)
    half.sendall(f"GET /internal/ HTTP/1.1\r\n{host}\r\nAccept: te".encode())
    time.sleep(0.2)  # both requests are being read or waited on
    reset(half)
    reset(waiting)
    server.rebuilder.rebuild()  # the long-poll answers the tab that is gone
    assert ask(server, "/internal/", host)[0] == 200  # and the server still answers
    time.sleep(0.2)
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err
    assert "Exception occurred" not in captured.err


def test_stopping_does_not_wait_for_open_long_polls(repo: Path) -> None:
    server = DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None).start()
    since = server.state.snapshot.version("internal")
    request = f"GET {VERSION_PATH}?site=internal&since={since} HTTP/1.1\r\nHost: localhost\r\n\r\n"
    polls = [socket.create_connection(server.address) for _ in range(5)]
    for poll in polls:
        poll.sendall(request.encode())
    time.sleep(0.2)
    started = time.monotonic()
    server.stop()
    assert time.monotonic() - started < 2
    for poll in polls:
        poll.close()


def test_a_connection_that_sends_nothing_is_closed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http, "IDLE_TIMEOUT_S", 0.3)
    with (
        DevServer(repo, port=0, clock=lambda: CLOCK, log=lambda _: None) as server,
        socket.create_connection(server.address, timeout=5) as idle,
    ):
        started = time.monotonic()
        assert idle.recv(1) == b""  # the server hung up
        assert time.monotonic() - started < 4
        assert ask(server, "/", "Host: localhost")[0] == 200
