"""Small objects kept inline (bytes committed with their metadata row, no
blob file) against the real server: every path that reads or copies bytes
works on both sides of the 32 KiB threshold and across the switch from one
kind to the other, no file is left behind, and what was acknowledged is
still there after a restart."""
import hashlib
import os
import time

import pytest

from conftest import Server

INLINE_MAX = 32 * 1024


def blob_files(data_dir):
    out = []
    for root, _, files in os.walk(os.path.join(data_dir, "objects")):
        out += [os.path.join(root, f) for f in files]
    return out


def blob_files_settled(data_dir, want, deadline=5.0):
    """The blob files once a replaced one is gone: it is removed when its
    request ends, just after the answer went out, so allow a moment."""
    end = time.time() + deadline
    while True:
        files = blob_files(data_dir)
        if len(files) == want or time.time() > end:
            return files
        time.sleep(0.02)


@pytest.fixture
def own():
    s = Server()
    yield s
    rc = s.stop()
    log = s.read_log()
    s.cleanup()
    assert rc == 0 and "ERROR: AddressSanitizer" not in log and "runtime error:" not in log, log[-4000:]


def md5(b):
    return hashlib.md5(b).hexdigest()


def test_threshold_and_files(own):
    s3 = own.client()
    s3.create_bucket(Bucket="inl")
    sizes = [0, 1, 4096, INLINE_MAX - 1, INLINE_MAX, INLINE_MAX + 1, 100000]
    bodies = {n: os.urandom(n) for n in sizes}
    for n, b in bodies.items():
        r = s3.put_object(Bucket="inl", Key="k%d" % n, Body=b, ContentType="x/y%d" % n,
                          Metadata={"size": str(n)})
        assert r["ETag"] == '"%s"' % md5(b)
    # only the two objects over the threshold have files
    assert len(blob_files(own.data)) == 2
    for n, b in bodies.items():
        r = s3.get_object(Bucket="inl", Key="k%d" % n)
        assert r["Body"].read() == b
        assert r["ContentLength"] == n
        assert r["ContentType"] == "x/y%d" % n
        assert r["Metadata"] == {"size": str(n)}
        h = s3.head_object(Bucket="inl", Key="k%d" % n)
        assert h["ContentLength"] == n and h["ETag"] == '"%s"' % md5(b)
    # ranges from inline bytes
    b = bodies[4096]
    r = s3.get_object(Bucket="inl", Key="k4096", Range="bytes=100-199")
    assert r["Body"].read() == b[100:200] and r["ContentRange"] == "bytes 100-199/4096"
    r = s3.get_object(Bucket="inl", Key="k4096", Range="bytes=-10")
    assert r["Body"].read() == b[-10:]
    with pytest.raises(Exception) as ei:
        s3.get_object(Bucket="inl", Key="k4096", Range="bytes=5000-6000")
    assert "InvalidRange" in str(ei.value)
    # conditional GET on an inline object
    with pytest.raises(Exception) as ei:
        s3.get_object(Bucket="inl", Key="k1", IfNoneMatch='"%s"' % md5(bodies[1]))
    assert "304" in str(ei.value)


def test_overwrite_switches_kind_and_cleans_up(own):
    s3 = own.client()
    s3.create_bucket(Bucket="swx")
    small, big = b"s" * 100, os.urandom(INLINE_MAX + 10)
    s3.put_object(Bucket="swx", Key="k", Body=small)
    assert blob_files(own.data) == []
    s3.put_object(Bucket="swx", Key="k", Body=big)
    assert len(blob_files(own.data)) == 1
    assert s3.get_object(Bucket="swx", Key="k")["Body"].read() == big
    s3.put_object(Bucket="swx", Key="k", Body=small)
    assert s3.get_object(Bucket="swx", Key="k")["Body"].read() == small
    assert blob_files_settled(own.data, 0) == []  # the replaced file went away
    s3.delete_object(Bucket="swx", Key="k")
    with pytest.raises(Exception) as ei:
        s3.get_object(Bucket="swx", Key="k")
    assert "NoSuchKey" in str(ei.value)
    s3.delete_bucket(Bucket="swx")


def test_copies_from_inline_sources(own):
    s3 = own.client()
    s3.create_bucket(Bucket="cpy")
    src = os.urandom(5000)
    s3.put_object(Bucket="cpy", Key="src", Body=src, Metadata={"a": "1"})
    # CopyObject: same bytes and ETag, metadata copied or replaced
    r = s3.copy_object(Bucket="cpy", Key="dst", CopySource="cpy/src")
    assert r["CopyObjectResult"]["ETag"] == '"%s"' % md5(src)
    g = s3.get_object(Bucket="cpy", Key="dst")
    assert g["Body"].read() == src and g["Metadata"] == {"a": "1"}
    s3.copy_object(Bucket="cpy", Key="dst2", CopySource="cpy/src", MetadataDirective="REPLACE",
                   Metadata={"b": "2"}, ChecksumAlgorithm="SHA256")
    g = s3.get_object(Bucket="cpy", Key="dst2", ChecksumMode="ENABLED")
    assert g["Body"].read() == src and g["Metadata"] == {"b": "2"}
    assert g["ChecksumSHA256"]
    # copy onto itself with new metadata
    s3.copy_object(Bucket="cpy", Key="src", CopySource="cpy/src", MetadataDirective="REPLACE",
                   Metadata={"c": "3"})
    g = s3.get_object(Bucket="cpy", Key="src")
    assert g["Body"].read() == src and g["Metadata"] == {"c": "3"}
    assert blob_files(own.data) == []
    # UploadPartCopy from an inline source (a range of it) into a multipart object
    big = os.urandom(5 * 1024 * 1024)
    u = s3.create_multipart_upload(Bucket="cpy", Key="mp")["UploadId"]
    p1 = s3.upload_part(Bucket="cpy", Key="mp", UploadId=u, PartNumber=1, Body=big)
    p2 = s3.upload_part_copy(Bucket="cpy", Key="mp", UploadId=u, PartNumber=2, CopySource="cpy/src",
                             CopySourceRange="bytes=10-4009")
    s3.complete_multipart_upload(Bucket="cpy", Key="mp", UploadId=u, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": p1["ETag"]},
        {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket="cpy", Key="mp")["Body"].read() == big + src[10:4010]


def test_inline_objects_survive_restart(own):
    s3 = own.client()
    s3.create_bucket(Bucket="rst")
    bodies = {"k%d" % i: os.urandom(i * 37) for i in range(40)}
    for k, b in bodies.items():
        s3.put_object(Bucket="rst", Key=k, Body=b)
    s3.delete_object(Bucket="rst", Key="k3")
    own.restart()
    s3 = own.client()
    for k, b in bodies.items():
        if k == "k3":
            with pytest.raises(Exception):
                s3.get_object(Bucket="rst", Key=k)
        else:
            assert s3.get_object(Bucket="rst", Key=k)["Body"].read() == b
