"""Disk faults against a real server: a full file system (data directory on a
small tmpfs), a read-only object store, and I/O errors on reads and syncs
(injected by the sanitizer build's COFFER_FAULTS hooks, see
src/store/blob/fs.c, as no device-mapper is available to fail a disk).

What must hold in every case: the failing request gets AWS's error
document (503 SlowDown for a full disk, which every AWS SDK and the CLI
retry with back-off; 500 InternalError for an I/O fault), the failure is
in the server's log, nothing half-written becomes visible, what was stored
stays readable, the metadata stays consistent (store_check: no orphan, no
missing blob, SQLite integrity_check ok), and writes work again once the
fault is gone, without a restart."""
import hashlib
import os
import re
import subprocess
import sys
import tempfile
import time

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "crash"))

import store_check  # noqa: E402
from conftest import Server  # noqa: E402

MiB = 1 << 20
# Bodies up to 32 KiB are inline (META_INLINE_MAX): their bytes go into the
# metadata store with the row, never into a blob file. The blob-file faults
# below use larger bodies; inline ones are shown to be unaffected by them.
INLINE_MAX = 32 * 1024


def mount(path, opts):
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", path], capture_output=True)
    if r.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here: %s" % r.stderr.decode().strip())


def umount(path):
    subprocess.run(["umount", path], capture_output=True)


@pytest.fixture
def fsdir():
    """A fresh 32 MiB tmpfs: small enough to fill in a moment."""
    d = tempfile.mkdtemp(prefix="coffer-fault-")
    mount(d, "size=32m,mode=0700")
    yield d
    umount(d)
    os.rmdir(d)


@pytest.fixture
def faultdir():
    d = tempfile.mkdtemp(prefix="coffer-faults-on-")
    yield d
    for f in os.listdir(d):
        os.unlink(os.path.join(d, f))
    os.rmdir(d)


def no_retry_client(srv, **retries):
    cfg = Config(s3={"addressing_style": "path"},
                 retries=retries or {"total_max_attempts": 1}, signature_version="s3v4")
    return boto3.client("s3", endpoint_url=srv.endpoint, region_name=srv.region,
                        aws_access_key_id=srv.akid, aws_secret_access_key=srv.secret, config=cfg)


def error_of(call, *a, **kw):
    """(HTTP status, AWS error code) of a call that must fail."""
    with pytest.raises(botocore.exceptions.ClientError) as ei:
        call(*a, **kw)
    r = ei.value.response
    return r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"]


def fill(path):
    """Writes a filler file until the file system is full; returns its path."""
    f = os.path.join(path, "filler")
    chunk = b"\0" * MiB
    fd = os.open(f, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        for size in (MiB, 64 * 1024, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, chunk[:size])
            except OSError:
                pass
    finally:
        os.close(fd)
    assert os.statvfs(path).f_bavail == 0
    return f


def stop_clean(srv):
    rc = srv.stop()
    log = srv.read_log()
    assert rc == 0, log[-3000:]
    assert "ERROR: AddressSanitizer" not in log and "runtime error:" not in log, log[-6000:]


def put_baseline(s3, bucket):
    objs = {}
    for i, size in enumerate([0, 1000, 100_000, 1_500_000]):  # two inline, two files
        data = os.urandom(size)
        s3.put_object(Bucket=bucket, Key="base/%d" % i, Body=data, ContentType="text/x-base",
                      Metadata={"n": str(i)})
        objs["base/%d" % i] = data
    return objs


def check_objects(s3, bucket, objs):
    """Exactly objs are listed and each reads back whole."""
    listed = {o["Key"]: o for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert sorted(listed) == sorted(objs)
    for k, data in objs.items():
        r = s3.get_object(Bucket=bucket, Key=k)
        body = r["Body"].read()
        assert body == data, k
        assert r["ETag"].strip('"') == hashlib.md5(data).hexdigest() == listed[k]["ETag"].strip('"')


def log_lines(srv, op, key=None, want=None, having=""):
    """Access-log lines of op (on key). The line is written when the
    response is done, which can be just after the client has it: with
    want, waits up to 5 s for that many."""
    deadline = time.time() + 5
    while True:
        out = [ln for ln in srv.read_log().splitlines()
               if '"operation":"%s"' % op in ln and having in ln
               and (key is None or '"key":"%s"' % key in ln)]
        if want is None or len(out) >= want or time.time() > deadline:
            return out
        time.sleep(0.05)


def test_disk_full(fsdir, faultdir):
    data = os.path.join(fsdir, "data")
    srv = Server(data=data, env={"COFFER_FAULT_DIR": faultdir})
    try:
        s3 = no_retry_client(srv)
        s3.create_bucket(Bucket="full")
        objs = put_baseline(s3, "full")
        up = s3.create_multipart_upload(Bucket="full", Key="mpu")["UploadId"]
        part1 = os.urandom(5 * MiB)
        e1 = s3.upload_part(Bucket="full", Key="mpu", UploadId=up, PartNumber=1, Body=part1)["ETag"]
        filler = fill(fsdir)

        # New objects of every size that needs space, an overwrite, a part,
        # a copy: each refused with 503 SlowDown, nothing of it visible.
        for size in (40_000, 300_000, 2 * MiB):
            assert error_of(s3.put_object, Bucket="full", Key="new/%d" % size,
                            Body=os.urandom(size)) == (503, "SlowDown")
        assert error_of(s3.put_object, Bucket="full", Key="base/2",
                        Body=os.urandom(2 * MiB)) == (503, "SlowDown")
        assert error_of(s3.upload_part, Bucket="full", Key="mpu", UploadId=up, PartNumber=2,
                        Body=os.urandom(MiB)) == (503, "SlowDown")
        assert error_of(s3.copy_object, Bucket="full", Key="copy",
                        CopySource={"Bucket": "full", "Key": "base/3"}) == (503, "SlowDown")
        assert error_of(s3.complete_multipart_upload, Bucket="full", Key="mpu", UploadId=up,
                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}]}) \
            == (503, "SlowDown")
        check_objects(s3, "full", objs)
        parts = s3.list_parts(Bucket="full", Key="mpu", UploadId=up)["Parts"]
        assert [(p["PartNumber"], p["ETag"]) for p in parts] == [(1, e1)]
        assert store_check.check(data, gc_pending_ok=True) == []
        # Logged: one access-log line per refusal, with the error code.
        refused = log_lines(srv, "PutObject", want=4, having='"status":503')
        assert len(refused) == 4 and all('"error":"SlowDown"' in ln for ln in refused)

        # Clients retry a 503 SlowDown with back-off: boto3's standard mode
        # makes its 3 attempts, each refused while the disk stays full.
        retrying = no_retry_client(srv, mode="standard", total_max_attempts=3)
        assert error_of(retrying.put_object, Bucket="full", Key="retried",
                        Body=os.urandom(64 * 1024)) == (503, "SlowDown")
        assert len(log_lines(srv, "PutObject", "retried", want=3)) == 3

        # Space comes back: writes succeed again, without a restart.
        os.unlink(filler)
        for size in (0, 4096, 40_000, 300_000, 2 * MiB):
            d = os.urandom(size)
            s3.put_object(Bucket="full", Key="new/%d" % size, Body=d)
            objs["new/%d" % size] = d
        objs["base/2"] = os.urandom(2 * MiB)
        s3.put_object(Bucket="full", Key="base/2", Body=objs["base/2"], ContentType="text/x-base")
        s3.copy_object(Bucket="full", Key="copy", CopySource={"Bucket": "full", "Key": "base/3"})
        objs["copy"] = objs["base/3"]
        part2 = os.urandom(MiB)
        e2 = s3.upload_part(Bucket="full", Key="mpu", UploadId=up, PartNumber=2, Body=part2)["ETag"]
        s3.complete_multipart_upload(Bucket="full", Key="mpu", UploadId=up, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
        assert s3.get_object(Bucket="full", Key="mpu")["Body"].read() == part1 + part2
        objs["mpu"] = part1 + part2
        listed = {o["Key"] for o in s3.list_objects_v2(Bucket="full")["Contents"]}
        assert listed == set(objs)
        for k, d in objs.items():
            assert s3.get_object(Bucket="full", Key=k)["Body"].read() == d, k
        assert store_check.check(data, gc_pending_ok=True) == []
    finally:
        stop_clean(srv)
    assert store_check.check(data, gc_pending_ok=True) == []
    srv.start()  # the start-up sweep leaves no file behind
    stop_clean(srv)
    assert store_check.check(data) == []


def test_metadata_full(fsdir):
    """The disk fills while only metadata needs space (0-byte objects are
    inline, with no blob file): SQLite's commit fails, the PUT gets 503 SlowDown, the
    database stays intact, and every acknowledged row is still there."""
    data = os.path.join(fsdir, "data")
    srv = Server(data=data)
    try:
        s3 = no_retry_client(srv)
        s3.create_bucket(Bucket="meta")
        filler = fill(fsdir)
        acked, refused = [], None
        # Each commit appends to the WAL, which cannot grow: one fails soon.
        for i in range(3000):
            key = "k/%05d/%s" % (i, "x" * 200)
            try:
                s3.put_object(Bucket="meta", Key=key, Body=b"", Metadata={"pad": "y" * 1000})
                acked.append(key)
            except botocore.exceptions.ClientError as e:
                r = e.response
                refused = (r["ResponseMetadata"]["HTTPStatusCode"], r["Error"]["Code"], key)
                break
        assert refused is not None, "3000 rows fitted in a full file system"
        assert refused[:2] == (503, "SlowDown")
        assert error_of(s3.head_object, Bucket="meta", Key=refused[2])[0] == 404
        listed = []
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket="meta"):
            listed += [o["Key"] for o in page.get("Contents", [])]
        assert listed == acked
        assert store_check.check(data, gc_pending_ok=True) == []
        os.unlink(filler)
        s3.put_object(Bucket="meta", Key=refused[2], Body=b"now")
        assert s3.get_object(Bucket="meta", Key=refused[2])["Body"].read() == b"now"
    finally:
        stop_clean(srv)
    assert store_check.check(data) == []


def test_objects_read_only(fsdir):
    """The object store's file system goes read-only under a running
    server. (objects/ is its own mount here: meta.db is held open for
    writing, and the kernel refuses to remount a file system read-only
    while a file on it is open for writing.) Reads go on; writes get 500
    InternalError and change nothing; after a remount read-write they
    succeed again without a restart."""
    data = os.path.join(fsdir, "data")
    objects = os.path.join(data, "objects")
    os.makedirs(objects, mode=0o700)
    mount(objects, "size=8m,mode=0700")
    srv = None
    try:
        srv = Server(data=data)
        s3 = no_retry_client(srv)
        s3.create_bucket(Bucket="rofs")
        objs = put_baseline(s3, "rofs")
        r = subprocess.run(["mount", "-o", "remount,ro", objects], capture_output=True)
        assert r.returncode == 0, r.stderr
        check_objects(s3, "rofs", objs)
        s3.head_object(Bucket="rofs", Key="base/1")
        big = b"x" * (INLINE_MAX + 1)
        assert error_of(s3.put_object, Bucket="rofs", Key="new", Body=big) \
            == (500, "InternalError")
        assert error_of(s3.put_object, Bucket="rofs", Key="base/1", Body=big) \
            == (500, "InternalError")
        assert error_of(s3.copy_object, Bucket="rofs", Key="copy",
                        CopySource={"Bucket": "rofs", "Key": "base/2"}) == (500, "InternalError")
        check_objects(s3, "rofs", objs)
        assert "blob store: Read-only file system" in srv.read_log()
        # A delete is a metadata change: it succeeds; the file waits on the
        # gc list for a sweep once the file system is writable again.
        s3.delete_object(Bucket="rofs", Key="base/0")
        del objs["base/0"]
        check_objects(s3, "rofs", objs)
        r = subprocess.run(["mount", "-o", "remount,rw", objects], capture_output=True)
        assert r.returncode == 0, r.stderr
        s3.put_object(Bucket="rofs", Key="new", Body=big)
        objs["new"] = big
        check_objects(s3, "rofs", objs)
        assert store_check.check(data, gc_pending_ok=True) == []
        stop_clean(srv)
        srv.start()
        assert store_check.check(data) == []
        check_objects(s3, "rofs", objs)
    finally:
        if srv:
            stop_clean(srv)
        umount(objects)


def test_io_errors(faultdir):
    """EIO reading a blob: GET and CopyObject get 500 InternalError, the
    server logs it and keeps serving. EIO at fsync: the PUT gets 500,
    nothing of it is visible and no file is left."""
    srv = Server(env={"COFFER_FAULT_DIR": faultdir})
    try:
        s3 = no_retry_client(srv)
        s3.create_bucket(Bucket="eio")
        objs = put_baseline(s3, "eio")
        open(os.path.join(faultdir, "read-eio"), "w").close()
        try:
            for k, d in objs.items():
                if len(d) > INLINE_MAX:
                    assert error_of(s3.get_object, Bucket="eio", Key=k) \
                        == (500, "InternalError"), "built without -DCOFFER_FAULTS?"
                else:  # inline: read from the metadata store, no file involved
                    assert s3.get_object(Bucket="eio", Key=k)["Body"].read() == d
            assert error_of(s3.copy_object, Bucket="eio", Key="copy",
                            CopySource={"Bucket": "eio", "Key": "base/2"}) == (500, "InternalError")
            s3.head_object(Bucket="eio", Key="base/1")  # metadata only
        finally:
            os.unlink(os.path.join(faultdir, "read-eio"))
        assert re.search(r"blob store: Input/output error", srv.read_log())
        check_objects(s3, "eio", objs)

        open(os.path.join(faultdir, "sync-eio"), "w").close()
        try:
            assert error_of(s3.put_object, Bucket="eio", Key="new", Body=b"n" * 50_000) \
                == (500, "InternalError")
            assert error_of(s3.put_object, Bucket="eio", Key="base/2", Body=b"o" * 50_000) \
                == (500, "InternalError")
            up = s3.create_multipart_upload(Bucket="eio", Key="mpu")["UploadId"]
            assert error_of(s3.upload_part, Bucket="eio", Key="mpu", UploadId=up, PartNumber=1,
                            Body=b"p" * 1000) == (500, "InternalError")
            assert s3.list_parts(Bucket="eio", Key="mpu", UploadId=up).get("Parts", []) == []
            s3.abort_multipart_upload(Bucket="eio", Key="mpu", UploadId=up)
        finally:
            os.unlink(os.path.join(faultdir, "sync-eio"))
        check_objects(s3, "eio", objs)
        assert store_check.check(srv.data, gc_pending_ok=True) == []
        s3.put_object(Bucket="eio", Key="new", Body=b"n" * 50_000)
        objs["new"] = b"n" * 50_000
        check_objects(s3, "eio", objs)
    finally:
        stop_clean(srv)
        srv.cleanup()
