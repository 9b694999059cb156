"""rclone (Debian 1.60, s3 backend, provider Other) against a real coffer server.

The remote is configured only through RCLONE_CONFIG_COFFER_* variables."""
import hashlib
import json
import os
import subprocess
import uuid

import pytest

RCLONE = "/usr/bin/rclone"
MiB = 1024 * 1024
MULTIPART = ["--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M"]


@pytest.fixture
def rclone(server, tmp_path):
    """rclone(*args, check=True) -> (rc, stdout, stderr) talking to remote 'coffer:'."""
    if not (os.path.isfile(RCLONE) and os.access(RCLONE, os.X_OK)):
        pytest.fail("rclone is missing at %s (make test installs it via scripts/deps.sh)" % RCLONE)
    home = tmp_path / "rclonehome"
    home.mkdir()
    env = rclone_env(server, str(home))

    def run(*args, check=True, timeout=180):
        cmd = [RCLONE, "--low-level-retries", "1", "--retries", "1", *args]
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if check and p.returncode != 0:
            pytest.fail("%r exited %d\n--- stdout\n%s\n--- stderr\n%s" % (args, p.returncode, out, err))
        return p.returncode, out, err

    return run


def rclone_env(server, home):
    env = {k: v for k, v in server.cli_env(home).items() if not k.startswith("RCLONE_")}
    env.update(
        RCLONE_CONFIG=os.path.join(home, "rclone.conf"),  # absent: everything comes from the env
        RCLONE_CONFIG_COFFER_TYPE="s3",
        RCLONE_CONFIG_COFFER_PROVIDER="Other",
        RCLONE_CONFIG_COFFER_ENDPOINT=server.endpoint,
        RCLONE_CONFIG_COFFER_ACCESS_KEY_ID=server.akid,
        RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY=server.secret,
        RCLONE_CONFIG_COFFER_REGION=server.region,
        RCLONE_CONFIG_COFFER_ENV_AUTH="false",
        LC_ALL="C.UTF-8",
    )
    return env


def make_tree(root):
    big = b"".join(hashlib.sha256(i.to_bytes(4, "big")).digest() * (MiB // 32) for i in range(20))
    files = {
        "readme.txt": b"hello rclone\n",
        "empty.txt": b"",
        "docs/a.md": b"# a\n" * 50,
        "docs/deep/er/b.bin": os.urandom(100000),
        "na\u00efve dir/\u65e5\u672c \u00e9t\u00e9.txt": "unicode \u2603\n".encode(),
        "media/big20.bin": big,
    }
    assert len(big) == 20 * MiB
    for rel, data in files.items():
        p = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    return files


def read_tree(root):
    got = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                got[os.path.relpath(p, root).replace(os.sep, "/")] = f.read()
    return got


def s3_objects(s3, bucket, prefix=""):
    out = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for o in page.get("Contents", []):
            out[o["Key"]] = o["Size"]
    return out


def test_rclone_mkdir_copy_ls_check_download_rmdir(rclone, s3, tmp_path):
    name = "rclone-" + uuid.uuid4().hex[:12]
    rclone("mkdir", "coffer:" + name)
    s3.head_bucket(Bucket=name)

    src = tmp_path / "src"
    files = make_tree(str(src))
    rclone("copy", *MULTIPART, str(src), "coffer:%s/base" % name)

    assert s3_objects(s3, name) == {"base/" + k: len(v) for k, v in files.items()}
    for rel, data in files.items():
        assert s3.get_object(Bucket=name, Key="base/" + rel)["Body"].read() == data, rel

    # the 20 MiB file went up as a 4-part multipart upload
    big = files["media/big20.bin"]
    parts = [big[i:i + 5 * MiB] for i in range(0, len(big), 5 * MiB)]
    head = s3.head_object(Bucket=name, Key="base/media/big20.bin")
    assert head["ETag"] == '"%s-4"' % hashlib.md5(
        b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    # rclone keeps the whole-file md5 in user metadata for multipart objects
    assert head["Metadata"].get("md5chksum"), head["Metadata"]

    _, out, _ = rclone("ls", "coffer:%s/base" % name)
    listed = {}
    for line in out.splitlines():
        size, path = line.strip().split(" ", 1)
        listed[path] = int(size)
    assert listed == {k: len(v) for k, v in files.items()}

    # small pages force marker / continuation-token paging, per directory and --fast-list
    for ver, extra in (("1", []), ("2", []), ("1", ["--fast-list"]), ("2", ["--fast-list"])):
        _, out, _ = rclone("lsjson", "-R", "--hash", "--files-only", "--s3-list-version", ver,
                           "--s3-list-chunk", "2", *extra, "coffer:%s/base" % name)
        entries = {e["Path"]: e for e in json.loads(out)}
        assert set(entries) == set(files), (ver, sorted(entries))
        for rel, data in files.items():
            assert entries[rel]["Size"] == len(data)
            assert entries[rel]["IsDir"] is False
            assert entries[rel]["Hashes"]["md5"] == hashlib.md5(data).hexdigest(), rel

    _, out, _ = rclone("lsjson", "--dirs-only", "coffer:%s/base" % name)
    assert sorted(e["Path"] for e in json.loads(out)) == ["docs", "media", "na\u00efve dir"]

    _, out, _ = rclone("md5sum", "coffer:%s/base" % name)
    sums = dict(reversed(line.split("  ", 1)) for line in out.splitlines())
    assert sums == {k: hashlib.md5(v).hexdigest() for k, v in files.items()}

    # ranged reads
    _, out, _ = rclone("cat", "--offset", "5", "--count", "10", "coffer:%s/base/docs/a.md" % name)
    assert out.encode() == files["docs/a.md"][5:15]

    _, _, err = rclone("check", str(src), "coffer:%s/base" % name)
    assert "0 differences found" in err, err
    assert "%d matching files" % len(files) in err, err

    # same size, different bytes: check must notice through the md5/ETag
    s3.put_object(Bucket=name, Key="base/readme.txt", Body=b"HELLO RCLONE\n")
    rc, _, err = rclone("check", str(src), "coffer:%s/base" % name, check=False)
    assert rc != 0 and "1 differences found" in err, err
    s3.put_object(Bucket=name, Key="base/readme.txt", Body=files["readme.txt"])

    dst = tmp_path / "dst"
    rclone("copy", "coffer:%s/base" % name, str(dst))
    assert read_tree(str(dst)) == files

    # server-side copy inside the remote (CopyObject), metadata included
    rclone("copy", "coffer:%s/base/docs" % name, "coffer:%s/copy/docs" % name)
    for rel in ("docs/a.md", "docs/deep/er/b.bin"):
        assert s3.get_object(Bucket=name, Key="copy/" + rel)["Body"].read() == files[rel]
    _, _, err = rclone("check", "coffer:%s/base/docs" % name, "coffer:%s/copy/docs" % name)
    assert "0 differences found" in err, err
    rclone("purge", "coffer:%s/copy" % name)
    assert not [k for k in s3_objects(s3, name) if k.startswith("copy/")]

    # rmdir refuses a non-empty bucket, delete empties it, then rmdir removes it
    rc, _, err = rclone("rmdir", "coffer:" + name, check=False)
    assert rc != 0
    s3.head_bucket(Bucket=name)
    rclone("delete", "coffer:" + name)
    assert s3_objects(s3, name) == {}
    rclone("rmdir", "coffer:" + name)
    assert name not in [b["Name"] for b in s3.list_buckets()["Buckets"]]


def test_rclone_sync_deletes_extraneous(rclone, s3, bucket, tmp_path):
    src = tmp_path / "src"
    files = {"keep/1.txt": b"one\n", "keep/2.txt": b"two\n" * 1000, "gone.txt": b"bye\n",
             "sp ace/\u00fc.txt": b"u\n"}
    for rel, data in files.items():
        p = src.joinpath(*rel.split("/"))
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    s3.put_object(Bucket=bucket, Key="s/extra-on-remote.txt", Body=b"not in source")

    stamp = 1500000000  # 2017-07-14T02:40:00Z, kept by rclone in x-amz-meta-mtime
    os.utime(src / "keep" / "2.txt", (stamp, stamp))
    rclone("sync", str(src), "coffer:%s/s" % bucket)
    assert s3_objects(s3, bucket) == {"s/" + k: len(v) for k, v in files.items()}
    _, out, _ = rclone("lsjson", "coffer:%s/s/keep/2.txt" % bucket)
    assert json.loads(out)[0]["ModTime"].startswith("2017-07-14T02:40:00"), out

    os.remove(src / "gone.txt")
    (src / "keep" / "1.txt").write_bytes(b"one, longer now\n")
    rclone("sync", str(src), "coffer:%s/s" % bucket)
    del files["gone.txt"]
    files["keep/1.txt"] = b"one, longer now\n"
    assert s3_objects(s3, bucket) == {"s/" + k: len(v) for k, v in files.items()}
    for rel, data in files.items():
        assert s3.get_object(Bucket=bucket, Key="s/" + rel)["Body"].read() == data

    _, _, err = rclone("check", "--one-way", str(src), "coffer:%s/s" % bucket)
    assert "0 differences found" in err, err

    rclone("delete", "coffer:%s/s/keep" % bucket)
    assert s3_objects(s3, bucket) == {"s/sp ace/\u00fc.txt": 2}


def test_rclone_rcat_streaming_upload(rclone, server, s3, bucket, tmp_path):
    # size unknown in advance: rclone streams it as a multipart upload
    data = b"".join(hashlib.sha1(b"%d" % i).digest() * 52429 for i in range(11))[:11 * MiB]
    p = subprocess.run([RCLONE, "--low-level-retries", "1", "--retries", "1", *MULTIPART,
                        "rcat", "coffer:%s/streamed.bin" % bucket], input=data,
                       env=rclone_env(server, str(tmp_path)), capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")
    o = s3.get_object(Bucket=bucket, Key="streamed.bin")
    assert o["ContentLength"] == len(data)
    assert o["Body"].read() == data
    assert o["ETag"].endswith('-3"'), o["ETag"]


def test_server_log_has_no_secret(server):
    log = server.read_log()
    assert "PUT" in log, "no access log lines on the server's stderr"
    assert server.secret not in log
    assert server.secret.replace("/", "%2F") not in log
