"""A small, independent AWS SigV4 client for the coffer integration tests.

Built only on hashlib/hmac/http.client/socket so that it shares no code with
botocore: it produces what boto3 cannot (aws-chunked signed and unsigned
streaming bodies with trailers, tampered signatures, skewed dates, broken
framing, truncated bodies) and checks the server against a second, separate
reading of the SigV4 specification.

Also: CRC32 (zlib), CRC32C and CRC64NVME (table-driven, pure Python) and the
base64 forms S3 uses in x-amz-checksum-* headers."""
import base64
import datetime
import hashlib
import hmac
import http.client
import re
import socket
import urllib.parse
import xml.etree.ElementTree as ET
import zlib

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED = "UNSIGNED-PAYLOAD"
STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
ALGO = "AWS4-HMAC-SHA256"

# --------------------------------------------------------------------------
# checksums


def _crc_table(poly, width):
    top = (1 << width) - 1
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ poly if c & 1 else c >> 1
        table.append(c & top)
    return table


_CRC32C_T = _crc_table(0x82F63B78, 32)
_CRC64NVME_T = _crc_table(0x9A6C9329AC4BC9B5, 64)


def crc32(data, crc=0):
    return zlib.crc32(data, crc) & 0xFFFFFFFF


def crc32c(data, crc=0):
    c = crc ^ 0xFFFFFFFF
    t = _CRC32C_T
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


def crc64nvme(data, crc=0):
    c = crc ^ 0xFFFFFFFFFFFFFFFF
    t = _CRC64NVME_T
    for b in data:
        c = t[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFFFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283
assert crc64nvme(b"123456789") == 0xAE8B14860A799888
assert crc32c(b"12345" + b"6789") == crc32c(b"6789", crc32c(b"12345"))


def checksum_raw(alg, data):
    """Raw checksum bytes as S3 encodes them (CRCs big-endian)."""
    alg = alg.lower()
    if alg == "crc32":
        return crc32(data).to_bytes(4, "big")
    if alg == "crc32c":
        return crc32c(data).to_bytes(4, "big")
    if alg == "crc64nvme":
        return crc64nvme(data).to_bytes(8, "big")
    if alg == "sha1":
        return hashlib.sha1(data).digest()
    if alg == "sha256":
        return hashlib.sha256(data).digest()
    raise ValueError(alg)


def checksum_b64(alg, data):
    return base64.b64encode(checksum_raw(alg, data)).decode()


def md5_b64(data):
    return base64.b64encode(hashlib.md5(data).digest()).decode()


def multipart_etag(parts):
    """S3's ETag of a completed multipart upload: md5 of the concatenated
    binary part md5s, then '-N'."""
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"%s-%d"' % (hashlib.md5(digests).hexdigest(), len(parts))


def composite_checksum(alg, parts):
    """COMPOSITE multipart checksum: checksum of the concatenated raw part
    checksums, base64, then '-N'."""
    raw = b"".join(checksum_raw(alg, p) for p in parts)
    return "%s-%d" % (checksum_b64(alg, raw), len(parts))


# --------------------------------------------------------------------------
# SigV4 primitives

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")


def uri_encode(s, keep_slash=False):
    if isinstance(s, str):
        s = s.encode("utf-8")
    out = []
    for b in s:
        if b in _UNRESERVED or (keep_slash and b == 0x2F):
            out.append(chr(b))
        else:
            out.append("%%%02X" % b)
    return "".join(out)


def amz_date(offset_seconds=0, when=None):
    t = when or datetime.datetime.now(datetime.timezone.utc)
    t = t + datetime.timedelta(seconds=offset_seconds)
    return t.strftime("%Y%m%dT%H%M%SZ")


def _hmac(key, msg):
    if isinstance(msg, str):
        msg = msg.encode("utf-8")
    return hmac.new(key, msg, hashlib.sha256).digest()


def signing_key(secret, date8, region, service="s3"):
    k = _hmac(("AWS4" + secret).encode("utf-8"), date8)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def canonical_query(pairs, skip_signature=False):
    enc = []
    for name, value in pairs:
        if skip_signature and name == "X-Amz-Signature":
            continue
        enc.append((uri_encode(name), uri_encode("" if value is None else value)))
    enc.sort()
    return "&".join("%s=%s" % nv for nv in enc)


def wire_query(pairs):
    parts = []
    for name, value in pairs:
        if value is None:
            parts.append(uri_encode(name))
        else:
            parts.append("%s=%s" % (uri_encode(name), uri_encode(value)))
    return "&".join(parts)


def _norm_value(v):
    return re.sub(r" +", " ", str(v).strip())


# --------------------------------------------------------------------------
# responses


def strip_ns(elem):
    for e in elem.iter():
        if isinstance(e.tag, str) and "}" in e.tag:
            e.tag = e.tag.split("}", 1)[1]
    return elem


class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = headers          # [(name, value)] as received
        self.headers = {}
        for k, v in headers:
            self.headers.setdefault(k.lower(), v)
        self.body = body
        self._xml = None

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    def header_count(self, name):
        return sum(1 for k, _ in self.header_list if k.lower() == name.lower())

    @property
    def xml(self):
        if self._xml is None:
            self._xml = strip_ns(ET.fromstring(self.body))
        return self._xml

    @property
    def code(self):
        """The <Code> of an S3 error body, or None."""
        if not self.body:
            return None
        try:
            root = self.xml
        except ET.ParseError:
            return None
        if root.tag != "Error":
            return None
        return root.findtext("Code")

    def text(self, path):
        return self.xml.findtext(path)

    def __repr__(self):
        return "<Response %d %r %r>" % (self.status, self.headers, self.body[:600])


def parse_raw_response(data):
    """Status code (int) of the first response in raw bytes, or None."""
    m = re.match(rb"HTTP/1\.[01] (\d{3})", data)
    return int(m.group(1)) if m else None


def split_raw_response(data):
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = parse_raw_response(data)
    headers = []
    for ln in lines[1:]:
        if ":" in ln:
            k, v = ln.split(":", 1)
            headers.append((k.strip(), v.strip()))
    return Response(status or 0, "", headers, body)


# --------------------------------------------------------------------------
# client


class SigV4Client:
    """Signs and sends requests to one endpoint.

    `path` arguments are *decoded* ("/bucket/key with space"); they are
    URI-encoded once for the wire and the canonical request, as S3 signers do.
    Pass raw_path=... instead to send bytes exactly as given."""

    def __init__(self, endpoint, akid, secret, region="us-east-1", service="s3"):
        u = urllib.parse.urlsplit(endpoint)
        self.host = u.hostname
        self.port = u.port or 80
        self.host_header = "%s:%d" % (self.host, self.port)
        self.akid, self.secret, self.region, self.service = akid, secret, region, service
        self.signatures = []        # every signature this client produced (for log checks)

    @classmethod
    def for_server(cls, server):
        return cls(server.endpoint, server.akid, server.secret, server.region)

    # -- signing ----------------------------------------------------------

    def sign(self, method, canonical_uri, query_pairs, headers, payload_hash, date=None,
             secret=None, akid=None, region=None, date8=None, service=None,
             signed_headers=None):
        """Adds x-amz-date, x-amz-content-sha256 and Authorization to a copy of
        headers (dict name->value). Returns (headers, info)."""
        date = date or amz_date()
        date8 = date8 or date[:8]
        region = self.region if region is None else region
        service = service or self.service
        h = {k: v for k, v in headers.items()}
        lower = {k.lower(): k for k in h}
        if "host" not in lower:
            h["Host"] = self.host_header
        if "x-amz-date" not in lower:
            h["x-amz-date"] = date
        if "x-amz-content-sha256" not in lower and payload_hash is not None:
            h["x-amz-content-sha256"] = payload_hash
        lower = {k.lower(): k for k in h}
        if signed_headers is None:
            signed_headers = sorted(n for n in lower if n not in ("authorization",
                                                                   "content-length",
                                                                   "user-agent",
                                                                   "expect"))
        canon_headers = "".join("%s:%s\n" % (n, _norm_value(h[lower[n]]) if n in lower else "")
                                for n in signed_headers)
        ph = payload_hash if payload_hash is not None else h[lower["x-amz-content-sha256"]]
        creq = "\n".join([method, canonical_uri, canonical_query(query_pairs), canon_headers,
                          ";".join(signed_headers), ph])
        scope = "%s/%s/%s/aws4_request" % (date8, region, service)
        sts = "\n".join([ALGO, h[lower["x-amz-date"]], scope,
                         hashlib.sha256(creq.encode("utf-8")).hexdigest()])
        key = signing_key(secret or self.secret, date8, region, service)
        sig = hmac.new(key, sts.encode("utf-8"), hashlib.sha256).hexdigest()
        self.signatures.append(sig)
        h["Authorization"] = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
            ALGO, akid or self.akid, scope, ";".join(signed_headers), sig)
        return h, dict(signature=sig, key=key, scope=scope, date=h[lower["x-amz-date"]],
                       canonical_request=creq, string_to_sign=sts)

    # -- plain requests ---------------------------------------------------

    def request(self, method, path="/", query=None, headers=None, body=b"", payload_hash=None,
                sign=True, raw_path=None, tamper=None, timeout=30, **signopts):
        """Signs (unless sign=False) and sends. payload_hash defaults to the
        body's SHA-256. tamper(headers, body) -> (headers, body) runs after
        signing. Returns a Response."""
        query = list(query or [])
        headers = dict(headers or {})
        if isinstance(body, str):
            body = body.encode("utf-8")
        target_path = raw_path if raw_path is not None else uri_encode(path, keep_slash=True)
        if sign:
            if payload_hash is None:
                payload_hash = hashlib.sha256(body).hexdigest()
            headers, _ = self.sign(method, target_path, query, headers, payload_hash,
                                   **signopts)
        elif payload_hash is not None:
            headers.setdefault("x-amz-content-sha256", payload_hash)
        if tamper:
            headers, body = tamper(headers, body)
        target = target_path + ("?" + wire_query(query) if query else "")
        return self.send(method, target, headers, body, timeout=timeout)

    def send(self, method, target, headers, body=b"", timeout=30):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
            names = {k.lower() for k in headers}
            if "host" not in names:
                conn.putheader("Host", self.host_header)
            for k, v in headers.items():
                conn.putheader(k, v)
            if "content-length" not in names and "transfer-encoding" not in names and (
                    body or method in ("PUT", "POST")):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders()
            if body:
                conn.send(body)
            r = conn.getresponse()
            data = r.read()
            return Response(r.status, r.reason, r.getheaders(), data)
        finally:
            conn.close()

    def get_url(self, url_path_and_query, method="GET", headers=None, body=b""):
        """Sends an already complete (e.g. presigned) target unsigned."""
        return self.send(method, url_path_and_query, dict(headers or {}), body)

    # -- presigned URLs ----------------------------------------------------

    def presign(self, method, path, query=None, expires=3600, date=None, secret=None,
                extra_signed_headers=None):
        """Path+query of a presigned URL (relative to the endpoint)."""
        date = date or amz_date()
        scope = "%s/%s/%s/aws4_request" % (date[:8], self.region, self.service)
        signed = ["host"] + sorted(extra_signed_headers or {})
        q = list(query or []) + [
            ("X-Amz-Algorithm", ALGO),
            ("X-Amz-Credential", "%s/%s" % (self.akid, scope)),
            ("X-Amz-Date", date),
            ("X-Amz-Expires", str(expires)),
            ("X-Amz-SignedHeaders", ";".join(signed)),
        ]
        cpath = uri_encode(path, keep_slash=True)
        hdrs = {"host": self.host_header}
        hdrs.update({k.lower(): v for k, v in (extra_signed_headers or {}).items()})
        canon_headers = "".join("%s:%s\n" % (n, _norm_value(hdrs[n])) for n in signed)
        creq = "\n".join([method, cpath, canonical_query(q), canon_headers, ";".join(signed),
                          UNSIGNED])
        sts = "\n".join([ALGO, date, scope, hashlib.sha256(creq.encode()).hexdigest()])
        key = signing_key(secret or self.secret, date[:8], self.region, self.service)
        sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
        self.signatures.append(sig)
        q.append(("X-Amz-Signature", sig))
        return cpath + "?" + wire_query(q)

    # -- aws-chunked bodies -------------------------------------------------

    @staticmethod
    def _chunks(data, chunk_size):
        return [data[i:i + chunk_size] for i in range(0, len(data), chunk_size)] + [b""]

    def _chunk_sig(self, key, date, scope, prev, chunk):
        sts = "\n".join(["AWS4-HMAC-SHA256-PAYLOAD", date, scope, prev, EMPTY_SHA256,
                         hashlib.sha256(chunk).hexdigest()])
        return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()

    def _trailer_sig(self, key, date, scope, prev, trailer_lines):
        canon = "".join("%s:%s\n" % (n, v) for n, v in trailer_lines)
        sts = "\n".join(["AWS4-HMAC-SHA256-TRAILER", date, scope, prev,
                         hashlib.sha256(canon.encode()).hexdigest()])
        return hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()

    def streaming_put(self, path, data, mode=STREAMING_SIGNED, chunk_size=65536, headers=None,
                      trailers=None, tamper_chunk=None, tamper_trailer_sig=False,
                      decoded_length=None, content_length=None, query=None, timeout=60,
                      mangle=None, truncate_to=None):
        """PUT (or UploadPart with query) with an aws-chunked body.

        mode: STREAMING_SIGNED, STREAMING_UNSIGNED_TRAILER or STREAMING_SIGNED_TRAILER.
        trailers: [(name, value)] sent after the final chunk (x-amz-trailer is
        set to their names). tamper_chunk: index of a chunk whose signature is
        corrupted. mangle(body) -> body rewrites the framed body before sending
        (Content-Length follows it). truncate_to=N sends only the first N bytes
        of the framed body over a raw socket, then half-closes. Returns a
        Response (status 0 when the server answered nothing)."""
        headers = dict(headers or {})
        trailers = list(trailers or [])
        headers["Content-Encoding"] = headers.get("Content-Encoding", "aws-chunked")
        headers["x-amz-decoded-content-length"] = str(
            len(data) if decoded_length is None else decoded_length)
        if trailers:
            headers["x-amz-trailer"] = ",".join(n for n, _ in trailers)
        query = list(query or [])
        cpath = uri_encode(path, keep_slash=True)
        signed = mode != STREAMING_UNSIGNED_TRAILER
        # Content-Length must be signed when known; build the body first with
        # placeholder signatures of fixed length to learn its size.
        chunks = self._chunks(data, chunk_size)

        def build(sigs, trailer_sig):
            out = []
            for i, c in enumerate(chunks):
                line = "%x" % len(c)
                if signed:
                    line += ";chunk-signature=" + sigs[i]
                out.append(line.encode() + b"\r\n")
                if c:
                    out.append(c + b"\r\n")
            if trailers:
                for n, v in trailers:
                    out.append(("%s:%s\r\n" % (n, v)).encode())
                if mode == STREAMING_SIGNED_TRAILER:
                    out.append(("x-amz-trailer-signature:%s\r\n" % trailer_sig).encode())
                out.append(b"\r\n")
            else:
                out.append(b"\r\n")
            return b"".join(out)

        size = len(build(["0" * 64] * len(chunks), "0" * 64))
        headers["Content-Length"] = str(size if content_length is None else content_length)
        headers, info = self.sign("PUT", cpath, query, headers, mode,
                                  signed_headers=None)
        # Content-Length is excluded from signing by default in sign(); that is
        # allowed (S3 does not require it to be signed).
        sigs = []
        prev = info["signature"]
        for i, c in enumerate(chunks):
            s = self._chunk_sig(info["key"], info["date"], info["scope"], prev, c)
            prev = s
            if tamper_chunk is not None and i == tamper_chunk:
                s = ("0" if s[0] != "0" else "1") + s[1:]
            sigs.append(s)
        tsig = ""
        if mode == STREAMING_SIGNED_TRAILER:
            tsig = self._trailer_sig(info["key"], info["date"], info["scope"], prev, trailers)
            if tamper_trailer_sig:
                tsig = ("0" if tsig[0] != "0" else "1") + tsig[1:]
        body = build(sigs, tsig)
        assert len(body) == size
        if mangle is not None:
            body = mangle(body)
            headers["Content-Length"] = str(len(body))
        target = cpath + ("?" + wire_query(query) if query else "")
        if truncate_to is not None:
            head = "PUT %s HTTP/1.1\r\n" % target
            head += "".join("%s: %s\r\n" % kv for kv in headers.items())
            head += "Connection: close\r\n\r\n"
            out = self.raw(head.encode() + body[:truncate_to], timeout=5, shutdown_write=True)
            return split_raw_response(out) if out else Response(0, "", [], b"")
        return self.send("PUT", target, headers, body, timeout=timeout)

    # -- raw sockets --------------------------------------------------------

    def raw(self, data, timeout=10, shutdown_write=False, close_after_send=False):
        """Sends raw bytes on a fresh connection and returns everything read
        until the server closes or `timeout` passes (b"" when nothing)."""
        self.last_timed_out = False
        s = socket.create_connection((self.host, self.port), timeout=timeout)
        try:
            try:
                s.sendall(data)
            except (BrokenPipeError, ConnectionResetError):
                pass
            if close_after_send:
                return b""
            if shutdown_write:
                try:
                    s.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            out = []
            while True:
                try:
                    b = s.recv(65536)
                except socket.timeout:
                    self.last_timed_out = True      # still open, nothing more said
                    break
                except ConnectionResetError:
                    break
                if not b:
                    break
                out.append(b)
            return b"".join(out)
        finally:
            s.close()

    def raw_request_bytes(self, method, path, query=None, headers=None, body=b"",
                          payload_hash=None, raw_path=None, content_length=None,
                          keep_alive=False, **signopts):
        """A signed request serialised to bytes (for raw sending/truncation)."""
        query = list(query or [])
        target_path = raw_path if raw_path is not None else uri_encode(path, keep_slash=True)
        if payload_hash is None:
            payload_hash = hashlib.sha256(body).hexdigest()
        h, _ = self.sign(method, target_path, query, dict(headers or {}), payload_hash,
                         **signopts)
        h["Content-Length"] = str(len(body) if content_length is None else content_length)
        target = target_path + ("?" + wire_query(query) if query else "")
        head = "%s %s HTTP/1.1\r\n" % (method, target)
        head += "".join("%s: %s\r\n" % kv for kv in h.items())
        head += "\r\n" if keep_alive else "Connection: close\r\n\r\n"
        return head.encode("utf-8") + body


# --------------------------------------------------------------------------
# small helpers shared by the test files


def expect_error(fn, status, code=None, *args, **kwargs):
    """Calls a boto3 operation that must fail with HTTP `status` and (when
    given) S3 error `code`. Returns the botocore ClientError response."""
    from botocore.exceptions import ClientError
    try:
        r = fn(*args, **kwargs)
    except ClientError as e:
        got_status = e.response["ResponseMetadata"]["HTTPStatusCode"]
        got_code = e.response.get("Error", {}).get("Code")
        assert got_status == status, "expected %s %s, got %s %s: %r" % (
            status, code, got_status, got_code, e.response)
        if code is not None:
            assert got_code == code, "expected %s %s, got %s %s: %r" % (
                status, code, got_status, got_code, e.response)
        return e.response
    raise AssertionError("expected %s %s, but the call succeeded: %r" % (
        status, code, {k: v for k, v in r.items() if k != "Body"}))


def unique(prefix="x"):
    import uuid
    return "%s-%s" % (prefix, uuid.uuid4().hex[:16])
