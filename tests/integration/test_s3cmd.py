"""s3cmd (Debian 2.3.0, SigV4, path-style) against a real coffer server."""
import hashlib
import os
import re
import subprocess
import uuid

import pytest

S3CMD = "/usr/bin/s3cmd"
MiB = 1024 * 1024


@pytest.fixture
def s3cmd(server, tmp_path):
    """s3cmd(*args, check=True) -> (rc, stdout, stderr) with a private config file."""
    if not (os.path.isfile(S3CMD) and os.access(S3CMD, os.X_OK)):
        pytest.fail("s3cmd is missing at %s (make test installs it via scripts/deps.sh)" % S3CMD)
    home = tmp_path / "s3cmdhome"
    home.mkdir()
    hostport = "127.0.0.1:%d" % server.port
    cfg = home / "s3cfg"
    cfg.write_text(
        "[default]\n"
        "access_key = %s\n"
        "secret_key = %s\n"
        "host_base = %s\n"
        "host_bucket = %s\n"
        "use_https = False\n"
        "signature_v2 = False\n"
        "bucket_location = %s\n"
        "check_ssl_certificate = False\n"
        "progress_meter = False\n"
        % (server.akid, server.secret, hostport, hostport, server.region))
    env = server.cli_env(str(home))
    env.update(LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONIOENCODING="utf-8")

    def run(*args, check=True, timeout=40):
        # s3cmd retries 5xx answers for 45 s in total; give up earlier and show why
        cmd = [S3CMD, "-c", str(cfg), *args]
        try:
            p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            pytest.fail("%r timed out after %ds (retrying server errors?)\n--- stdout\n%s\n--- stderr\n%s"
                        % (args, timeout, (e.stdout or b"").decode("utf-8", "replace"),
                           (e.stderr or b"").decode("utf-8", "replace")))
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if check and p.returncode != 0:
            pytest.fail("%r exited %d\n--- stdout\n%s\n--- stderr\n%s" % (args, p.returncode, out, err))
        return p.returncode, out, err

    return run


def md5hex(b):
    return hashlib.md5(b).hexdigest()


def test_s3cmd_bucket_lifecycle_and_small_object(s3cmd, s3, tmp_path):
    name = "s3cmd-" + uuid.uuid4().hex[:12]
    _, out, _ = s3cmd("mb", "s3://" + name)
    assert "Bucket 's3://%s/' created" % name in out, out
    s3.head_bucket(Bucket=name)

    _, out, _ = s3cmd("ls")
    assert re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d\s+s3://%s$" % re.escape(name), out, re.M), out

    data = os.urandom(4321)
    src = tmp_path / "small file.bin"
    src.write_bytes(data)
    _, out, _ = s3cmd("put", str(src), "s3://%s/folder/small file.bin" % name)
    assert "upload:" in out, out
    o = s3.get_object(Bucket=name, Key="folder/small file.bin")
    assert o["Body"].read() == data
    assert o["ETag"] == '"%s"' % md5hex(data)

    _, out, _ = s3cmd("ls", "s3://%s" % name)
    assert re.search(r"^\s+DIR\s+s3://%s/folder/$" % re.escape(name), out, re.M), out
    _, out, _ = s3cmd("ls", "s3://%s/folder/" % name)
    m = re.search(r"^\d{4}-\d\d-\d\d \d\d:\d\d\s+(\d+)\s+s3://%s/folder/small file\.bin$"
                  % re.escape(name), out, re.M)
    assert m and int(m.group(1)) == len(data), out

    dst = tmp_path / "back.bin"
    s3cmd("get", "s3://%s/folder/small file.bin" % name, str(dst))
    assert dst.read_bytes() == data

    _, out, _ = s3cmd("del", "s3://%s/folder/small file.bin" % name)
    assert "delete: 's3://%s/folder/small file.bin'" % name in out, out
    assert s3.list_objects_v2(Bucket=name).get("KeyCount") == 0

    _, out, _ = s3cmd("rb", "s3://" + name)
    assert "Bucket 's3://%s/' removed" % name in out, out
    _, out, _ = s3cmd("ls")
    assert "s3://%s" % name not in out
    rc, _, err = s3cmd("ls", "s3://" + name, check=False)
    assert rc != 0 and "NoSuchBucket" in err, err


def test_s3cmd_multipart_put_get(s3cmd, s3, bucket, tmp_path):
    size = 12 * MiB
    data = b"".join(i.to_bytes(4, "big") * (MiB // 4) for i in range(12))
    assert len(data) == size
    src = tmp_path / "twelve.bin"
    src.write_bytes(data)
    _, out, err = s3cmd("put", "--multipart-chunk-size-mb=5", str(src), "s3://%s/big/twelve.bin" % bucket)
    assert "upload:" in out, out

    chunk = 5 * MiB
    parts = [data[i:i + chunk] for i in range(0, size, chunk)]
    expected_etag = '"%s-3"' % hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    head = s3.head_object(Bucket=bucket, Key="big/twelve.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == expected_etag
    # s3cmd records the whole-file md5 in x-amz-meta-s3cmd-attrs
    assert "md5:%s" % md5hex(data) in head["Metadata"].get("s3cmd-attrs", ""), head["Metadata"]
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    dst = tmp_path / "twelve.back"
    s3cmd("get", "s3://%s/big/twelve.bin" % bucket, str(dst))
    assert dst.read_bytes() == data

    _, out, _ = s3cmd("info", "s3://%s/big/twelve.bin" % bucket)
    assert re.search(r"File size:\s+%d$" % size, out, re.M), out
    assert re.search(r"MD5 sum:\s+%s$" % md5hex(data), out, re.M), out


def test_s3cmd_info_object_and_bucket(s3cmd, s3, bucket, tmp_path):
    data = b"info me\n" * 10
    src = tmp_path / "i.txt"
    src.write_bytes(data)
    s3cmd("put", "--mime-type=text/plain", "--add-header=x-amz-meta-color:green",
          str(src), "s3://%s/i.txt" % bucket)
    h = s3.head_object(Bucket=bucket, Key="i.txt")
    assert h["ContentType"] == "text/plain"
    assert h["Metadata"]["color"] == "green"

    _, out, _ = s3cmd("info", "s3://%s/i.txt" % bucket)
    assert "s3://%s/i.txt (object):" % bucket in out, out
    assert re.search(r"File size:\s+%d$" % len(data), out, re.M), out
    assert re.search(r"MIME type:\s+text/plain$", out, re.M), out
    assert re.search(r"MD5 sum:\s+%s$" % md5hex(data), out, re.M), out
    assert re.search(r"x-amz-meta-color:\s+green$", out, re.M), out

    _, out, _ = s3cmd("info", "s3://%s" % bucket)
    assert "s3://%s/ (bucket):" % bucket in out, out
    assert re.search(r"Location:\s+us-east-1$", out, re.M), out


def test_s3cmd_sync_and_recursive_delete(s3cmd, s3, bucket, tmp_path):
    src = tmp_path / "tree"
    files = {"a.txt": b"a\n", "sub/b.txt": b"b" * 1000, "sub/deeper/c \u00e9.txt": b"c\n"}
    for rel, data in files.items():
        p = src.joinpath(*rel.split("/"))
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    s3cmd("sync", str(src) + "/", "s3://%s/t/" % bucket)
    got = {o["Key"]: o["Size"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert got == {"t/" + k: len(v) for k, v in files.items()}
    for rel, data in files.items():
        assert s3.get_object(Bucket=bucket, Key="t/" + rel)["Body"].read() == data

    # unchanged tree: nothing to upload (s3cmd compares size and md5/ETag)
    _, out, _ = s3cmd("sync", str(src) + "/", "s3://%s/t/" % bucket)
    assert "upload:" not in out, out

    _, out, _ = s3cmd("del", "--recursive", "--force", "s3://%s/t/" % bucket)
    assert out.count("delete:") == len(files), out
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_s3cmd_multipart_listing_and_abort(s3cmd, s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="mp/pending.bin")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="mp/pending.bin", UploadId=uid, PartNumber=1, Body=b"p" * 1000)

    _, out, _ = s3cmd("multipart", "s3://%s" % bucket)
    assert "s3://%s/mp/pending.bin" % bucket in out and uid in out, out

    _, out, _ = s3cmd("listmp", "s3://%s/mp/pending.bin" % bucket, uid)
    # columns: LastModified, PartNumber, ETag, Size
    m = re.search(r'^\S+\s+1\s+"?%s"?\s+1000\s*$' % hashlib.md5(b"p" * 1000).hexdigest(), out, re.M)
    assert m, out

    s3cmd("abortmp", "s3://%s/mp/pending.bin" % bucket, uid)
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_s3cmd_server_side_cp_and_mv(s3cmd, s3, bucket):
    s3.put_object(Bucket=bucket, Key="orig.txt", Body=b"original", Metadata={"k": "v"})
    s3cmd("cp", "s3://%s/orig.txt" % bucket, "s3://%s/copies/copy.txt" % bucket)
    o = s3.get_object(Bucket=bucket, Key="copies/copy.txt")
    assert o["Body"].read() == b"original" and o["Metadata"].get("k") == "v"
    s3cmd("mv", "s3://%s/copies/copy.txt" % bucket, "s3://%s/moved.txt" % bucket)
    keys = sorted(x["Key"] for x in s3.list_objects_v2(Bucket=bucket)["Contents"])
    assert keys == ["moved.txt", "orig.txt"]
    assert s3.get_object(Bucket=bucket, Key="moved.txt")["Body"].read() == b"original"

    # modify = CopyObject onto itself with REPLACE
    s3cmd("modify", "--add-header=Cache-Control:max-age=60", "--mime-type=text/x-modified",
          "s3://%s/moved.txt" % bucket)
    o = s3.get_object(Bucket=bucket, Key="moved.txt")
    assert o["Body"].read() == b"original"
    assert o["CacheControl"] == "max-age=60" and o["ContentType"] == "text/x-modified", o


def test_server_log_has_no_secret(server):
    log = server.read_log()
    assert "PUT" in log, "no access log lines on the server's stderr"
    assert server.secret not in log
    assert server.secret.replace("/", "%2F") not in log
