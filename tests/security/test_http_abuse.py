"""Abuse of HTTP framing and connections: bodies longer or shorter than
their Content-Length, an oversized Authorization header, and slow-loris
connections against a server with a short --idle-timeout (loopback only).

test_errors.py covers oversized and many headers, truncated bodies whose
client closes, bad Content-Length values and garbage; this file adds request
smuggling through a body longer than Content-Length, bodies that stop while
the connection stays open, and connections that trickle or stall."""
import socket
import time
import urllib.request

import pytest

from conftest import Server, keys_of, object_body
from sigv4_client import SigV4Client, split_raw_response

IDLE = 2          # seconds: the test server's --idle-timeout


def responses(data):
    """Status codes of every HTTP response in raw bytes, in order."""
    import re
    return [int(m.group(1)) for m in re.finditer(rb"HTTP/1\.1 (\d{3}) ", data)]


def test_body_longer_than_content_length_is_not_smuggled(raw, s3, bucket):
    """The bytes after Content-Length are the next request on the
    connection, never part of the object; unsigned, that request is refused."""
    s3.put_object(Bucket=bucket, Key="victim", Body=b"keep")
    first = raw.raw_request_bytes("PUT", "/%s/k" % bucket, body=b"hello", keep_alive=True)
    smuggled = ("DELETE /%s/victim HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n"
                % (bucket, raw.host_header)).encode()
    out = raw.raw(first + smuggled, timeout=5)
    assert responses(out) == [200, 403], out[:600]
    assert b"<Code>AccessDenied</Code>" in out
    assert object_body(s3, bucket, "k") == b"hello"
    assert object_body(s3, bucket, "victim") == b"keep"


def test_content_length_shorter_than_signed_body(raw, s3, bucket):
    """The payload hash covers the whole body but Content-Length announces
    less: the object would be a prefix, so it is refused and not stored."""
    body = b"0123456789" * 10
    req = raw.raw_request_bytes("PUT", "/%s/short" % bucket, body=body, content_length=50)
    out = raw.raw(req, timeout=5)
    r = split_raw_response(out)
    assert (r.status, r.code) == (400, "XAmzContentSHA256Mismatch"), out[:600]
    assert keys_of(s3, bucket) == []


def test_oversized_authorization_header(raw, server, s3, bucket):
    h, _ = raw.sign("PUT", "/%s/big-auth" % bucket, [], {}, "UNSIGNED-PAYLOAD")
    h["Authorization"] += ", " + "x" * 200_000
    req = "PUT /%s/big-auth HTTP/1.1\r\n" % bucket + "".join(
        "%s: %s\r\n" % kv for kv in h.items()) + "Content-Length: 1\r\nConnection: close\r\n\r\nx"
    out = raw.raw(req.encode(), timeout=10)
    st = split_raw_response(out).status if out else None
    assert st is None or 400 <= st < 500, out[:300]
    assert keys_of(s3, bucket) == []
    with urllib.request.urlopen(server.endpoint + "/_coffer/health", timeout=5) as resp:
        assert resp.status == 200


@pytest.fixture(scope="module")
def short_idle():
    """A server that drops idle connections after IDLE seconds, with few
    worker threads so that held connections would show if they blocked it."""
    srv = Server(args=("--idle-timeout", str(IDLE), "--threads", "2"))
    srv.client().create_bucket(Bucket="slow")
    yield srv
    rc = srv.stop()
    log = srv.read_log()
    srv.cleanup()
    assert rc == 0, log[-3000:]
    assert "ERROR: AddressSanitizer" not in log, log[-6000:]


def closed_within(sock, seconds):
    """Seconds until the server closed the connection (reading whatever it
    said first), or None if it was still open after `seconds`."""
    start = time.time()
    sock.settimeout(0.2)
    while time.time() - start < seconds:
        try:
            if not sock.recv(65536):
                return time.time() - start
        except socket.timeout:
            continue
        except (ConnectionResetError, BrokenPipeError):
            return time.time() - start
    return None


def test_slow_loris_connections_are_dropped_and_do_not_block(short_idle):
    srv = short_idle
    s3 = srv.client()
    s3.put_object(Bucket="slow", Key="victim", Body=b"keep")
    raw = SigV4Client.for_server(srv)
    n = 12                      # more held connections than worker threads
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        if i % 2:
            # complete signed headers, then a body that stops halfway
            req = raw.raw_request_bytes("PUT", "/slow/victim", body=b"x" * 100, keep_alive=True)
            s.sendall(req[:-50])
        else:
            s.sendall(b"PUT /slow/victim HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        socks.append(s)
    # trickle a header line every half second for longer than the idle
    # timeout; meanwhile the server keeps answering others promptly
    worst = 0.0
    t_end = time.time() + IDLE + 1
    while time.time() < t_end:
        for i, s in enumerate(socks):
            if i % 2 == 0:
                s.sendall(b"X-Slow: a\r\n")
        t0 = time.time()
        assert s3.get_object(Bucket="slow", Key="victim")["Body"].read() == b"keep"
        worst = max(worst, time.time() - t0)
        time.sleep(0.5)
    assert worst < 1.0, "a request took %.2f s while slow connections were held" % worst
    # the stalled bodies, idle for longer than the timeout, are gone already...
    stalled = [closed_within(s, 0.5) for i, s in enumerate(socks) if i % 2]
    assert all(w is not None for w in stalled), stalled
    # ... and once the tricklers stop, each is dropped within the idle timeout
    waited = [closed_within(s, IDLE + 3) for s in socks]
    assert all(w is not None for w in waited), waited
    for s in socks:
        s.close()
    assert object_body(s3, "slow", "victim") == b"keep"
    assert keys_of(s3, "slow") == ["victim"]


def test_stalled_body_is_dropped_after_idle_timeout(short_idle):
    srv = short_idle
    raw = SigV4Client.for_server(srv)
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    req = raw.raw_request_bytes("PUT", "/slow/stalled", body=b"y" * 1000, keep_alive=True)
    t0 = time.time()
    s.sendall(req[:-600])                  # headers and 400 of 1000 bytes, then nothing
    waited = closed_within(s, IDLE + 3)
    s.close()
    assert waited is not None, "a stalled upload was still open after %d s" % (IDLE + 3)
    assert time.time() - t0 >= IDLE - 0.5, "dropped before its idle timeout"
    assert object_body(srv.client(), "slow", "stalled") is None
