"""Big objects against the release build: a multipart object past 2 GiB and a
1 GiB single PUT go up and come back byte-exact while the server's peak
resident memory (VmHWM) stays under 64 MiB."""
import hashlib
import io
import os
import re
import time

import boto3
import pytest
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

from conftest import RELEASE_BIN, Server

MiB = 1 << 20
GiB = 1 << 30
RSS_LIMIT_KB = 64 * 1024


class PatternFile(io.RawIOBase):
    """A seekable, deterministic file of `size` bytes generated on the fly: one
    random 1 MiB block, each copy stamped with its block index (8 bytes) so
    that misplaced, repeated or dropped blocks are detected."""

    def __init__(self, size, base=None):
        super().__init__()
        self.size = size
        self.pos = 0
        self.base = base if base is not None else os.urandom(MiB)
        self._cache = (None, None)

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self.pos

    def seek(self, off, whence=0):
        if whence == 0:
            self.pos = off
        elif whence == 1:
            self.pos += off
        else:
            self.pos = self.size + off
        return self.pos

    def _block(self, i):
        if self._cache[0] != i:
            self._cache = (i, i.to_bytes(8, "big") + self.base[8:])
        return self._cache[1]

    def read_at(self, off, n):
        n = max(0, min(n, self.size - off))
        out = []
        while n > 0:
            i, o = divmod(off, MiB)
            piece = self._block(i)[o:o + n]
            out.append(piece)
            off += len(piece)
            n -= len(piece)
        return b"".join(out)

    def read(self, n=-1):
        if n is None or n < 0:
            n = self.size - self.pos
        b = self.read_at(self.pos, n)
        self.pos += len(b)
        return b

    def readinto(self, buf):
        b = self.read(len(buf))
        buf[:len(b)] = b
        return len(b)


def client(srv, payload_signing):
    """boto3 signs every payload over plain HTTP (a client-side SHA-256 of each
    byte) unless told not to; the multipart run sends UNSIGNED-PAYLOAD to keep
    the client's CPU out of the way, the single PUT stays fully signed."""
    cfg = Config(s3={"addressing_style": "path", "payload_signing_enabled": payload_signing},
                 retries={"max_attempts": 1}, read_timeout=300)
    return boto3.client("s3", endpoint_url=srv.endpoint, region_name=srv.region,
                        aws_access_key_id=srv.akid, aws_secret_access_key=srv.secret,
                        config=cfg)


def vm_hwm_kb(pid):
    with open("/proc/%d/status" % pid) as f:
        m = re.search(r"^VmHWM:\s+(\d+) kB", f.read(), re.M)
    return int(m.group(1))


def verify_stream(body, pattern, expect_len):
    off = 0
    for chunk in body.iter_chunks(4 * MiB):
        want = pattern.read_at(off, len(chunk))
        if chunk != want:
            for i in range(len(chunk)):
                if chunk[i] != want[i]:
                    raise AssertionError("first difference at byte %d" % (off + i))
        off += len(chunk)
    assert off == expect_len, "got %d bytes, want %d" % (off, expect_len)


@pytest.fixture(scope="module")
def big_server():
    if not os.path.exists(RELEASE_BIN):
        pytest.fail("release binary %s missing (make build/coffer)" % RELEASE_BIN)
    s = Server(binary=RELEASE_BIN)
    yield s
    rc = s.stop()
    log = s.read_log()
    s.cleanup()
    assert rc == 0, log[-4000:]


def test_multipart_over_2gib(big_server):
    s3 = client(big_server, payload_signing=False)
    bucket = "big-mp"
    s3.create_bucket(Bucket=bucket)
    size = 2 * GiB + 12345
    src = PatternFile(size)
    cfg = TransferConfig(multipart_threshold=64 * MiB, multipart_chunksize=64 * MiB,
                         max_concurrency=4, use_threads=True)
    t0 = time.time()
    s3.upload_fileobj(src, bucket, "big/object", Config=cfg)
    t_up = time.time() - t0

    h = s3.head_object(Bucket=bucket, Key="big/object")
    assert h["ContentLength"] == size
    nparts = -(-size // (64 * MiB))
    assert h["ETag"].endswith('-%d"' % nparts), h["ETag"]
    lst = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert [(o["Key"], o["Size"]) for o in lst] == [("big/object", size)]

    # a range across the 2^31 boundary
    lo = (1 << 31) - 10
    g = s3.get_object(Bucket=bucket, Key="big/object", Range="bytes=%d-%d" % (lo, lo + 19))
    assert g["ContentRange"] == "bytes %d-%d/%d" % (lo, lo + 19, size)
    assert g["Body"].read() == src.read_at(lo, 20)
    g = s3.get_object(Bucket=bucket, Key="big/object", Range="bytes=-100")
    assert g["Body"].read() == src.read_at(size - 100, 100)

    t0 = time.time()
    g = s3.get_object(Bucket=bucket, Key="big/object")
    assert g["ContentLength"] == size
    verify_stream(g["Body"], src, size)
    t_down = time.time() - t0

    hwm = vm_hwm_kb(big_server.proc.pid)
    print("\n2 GiB multipart: up %.1fs down %.1fs, server VmHWM %d kB (%.1f MiB)"
          % (t_up, t_down, hwm, hwm / 1024))
    s3.delete_object(Bucket=bucket, Key="big/object")
    s3.delete_bucket(Bucket=bucket)
    assert hwm < RSS_LIMIT_KB, "server peak RSS %d kB >= %d kB" % (hwm, RSS_LIMIT_KB)


def test_single_put_1gib(big_server):
    s3 = client(big_server, payload_signing=True)
    bucket = "big-put"
    s3.create_bucket(Bucket=bucket)
    size = GiB
    src = PatternFile(size)
    t0 = time.time()
    r = s3.put_object(Bucket=bucket, Key="one", Body=src)
    t_up = time.time() - t0
    assert re.fullmatch(r'"[0-9a-f]{32}"', r["ETag"]), r["ETag"]

    t0 = time.time()
    g = s3.get_object(Bucket=bucket, Key="one")
    assert g["ContentLength"] == size and g["ETag"] == r["ETag"]
    md5 = hashlib.md5()
    off = 0
    for chunk in g["Body"].iter_chunks(4 * MiB):
        assert chunk == src.read_at(off, len(chunk)), "difference near byte %d" % off
        md5.update(chunk)
        off += len(chunk)
    assert off == size
    assert r["ETag"] == '"%s"' % md5.hexdigest()
    t_down = time.time() - t0

    hwm = vm_hwm_kb(big_server.proc.pid)
    print("\n1 GiB single PUT: up %.1fs down %.1fs, server VmHWM %d kB (%.1f MiB)"
          % (t_up, t_down, hwm, hwm / 1024))
    s3.delete_object(Bucket=bucket, Key="one")
    s3.delete_bucket(Bucket=bucket)
    assert hwm < RSS_LIMIT_KB, "server peak RSS %d kB >= %d kB" % (hwm, RSS_LIMIT_KB)
