"""AWS CLI v2 (Debian's /usr/bin/aws 2.9.19) against a real coffer server.

High-level `aws s3` commands (mb/cp/ls/sync/rm/rb/presign) and low-level
`aws s3api` calls (pagination, copy, ranges, conditionals, batch delete).
Every result is checked against bytes/values, usually read back with boto3."""
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET

import pytest

from conftest import AWS

MiB = 1024 * 1024
S3NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def _need(tool):
    if not (os.path.isfile(tool) and os.access(tool, os.X_OK)):
        pytest.fail("required tool %s is missing (make test installs it via scripts/deps.sh)" % tool)


@pytest.fixture
def aws(server, tmp_path):
    """aws(*args, check=True) -> (rc, stdout, stderr); JSON output, path-style."""
    _need(AWS)
    home = tmp_path / "awshome"
    home.mkdir()
    env = server.cli_env(str(home))
    env.update(AWS_PAGER="", LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONIOENCODING="utf-8")
    (home / "aws-config").write_text(
        "[default]\nregion = %s\noutput = json\ns3 =\n    addressing_style = path\n" % server.region)

    def run(*args, check=True, timeout=240, cwd=None):
        args = list(args)
        if args[:1] == ["s3"] and args[1] in ("cp", "mv", "sync"):
            args.insert(2, "--no-progress")
        cmd = [AWS, "--endpoint-url", server.endpoint, *args]
        p = subprocess.run(cmd, env=env, capture_output=True, timeout=timeout, cwd=cwd)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        if args[:1] == ["s3"]:  # drop "Completed x/y" progress lines
            out = "".join(l + "\n" for l in re.split(r"[\r\n]", out)
                          if l.strip() and not l.startswith("Completed "))
        if check and p.returncode != 0:
            pytest.fail("%r exited %d\n--- stdout\n%s\n--- stderr\n%s" % (cmd[3:], p.returncode, out, err))
        return p.returncode, out, err

    run.env = env
    return run


def api(aws, *args):
    """Run `aws s3api ...` and return the parsed JSON output ({} when empty)."""
    _, out, _ = aws("s3api", *args)
    return json.loads(out) if out.strip() else {}


def curl(*args, timeout=60):
    _need("/usr/bin/curl")
    p = subprocess.run(["/usr/bin/curl", "-sS", *args], capture_output=True, timeout=timeout)
    assert p.returncode == 0, "curl failed: %s" % p.stderr.decode("utf-8", "replace")
    return p.stdout


def md5hex(b):
    return hashlib.md5(b).hexdigest()


def all_keys(s3, bucket):
    keys = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys += [o["Key"] for o in page.get("Contents", [])]
    return keys


def unique_bucket():
    return "cli-" + uuid.uuid4().hex[:16]


# --------------------------------------------------------------------------- aws s3


def test_s3_mb_ls_rb(aws, s3):
    name = unique_bucket()
    _, out, _ = aws("s3", "mb", "s3://" + name)
    assert out.strip() == "make_bucket: " + name
    s3.head_bucket(Bucket=name)  # raises if the bucket was not really created

    _, out, _ = aws("s3", "ls")
    names = [line.split()[-1] for line in out.splitlines() if line.strip()]
    assert name in names, out
    # each line is "YYYY-MM-DD HH:MM:SS name"
    line = [l for l in out.splitlines() if l.endswith(" " + name)][0]
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d " + re.escape(name) + "$", line), line

    _, out, _ = aws("s3", "rb", "s3://" + name)
    assert out.strip() == "remove_bucket: " + name
    _, out, _ = aws("s3", "ls")
    assert name not in [line.split()[-1] for line in out.splitlines() if line.strip()]
    rc, _, err = aws("s3api", "head-bucket", "--bucket", name, check=False)
    assert rc != 0 and "404" in err, err


def test_s3_rb_nonempty_fails_then_force(aws, s3):
    name = unique_bucket()
    aws("s3", "mb", "s3://" + name)
    s3.put_object(Bucket=name, Key="x/y.txt", Body=b"content")
    rc, _, err = aws("s3", "rb", "s3://" + name, check=False)
    assert rc != 0 and "BucketNotEmpty" in err, err
    s3.head_bucket(Bucket=name)
    _, out, _ = aws("s3", "rb", "--force", "s3://" + name)
    assert "delete: s3://%s/x/y.txt" % name in out, out
    assert "remove_bucket: " + name in out, out
    rc, _, err = aws("s3api", "head-bucket", "--bucket", name, check=False)
    assert rc != 0 and "404" in err, err


def test_s3_cp_ls_rm_small(aws, s3, bucket, tmp_path):
    data = os.urandom(12345)
    src = tmp_path / "small.bin"
    src.write_bytes(data)
    _, out, _ = aws("s3", "cp", str(src), "s3://%s/dir/small.bin" % bucket,
                    "--content-type", "application/x-test", "--metadata", "origin=cli")
    assert "upload:" in out and "s3://%s/dir/small.bin" % bucket in out, out

    obj = s3.get_object(Bucket=bucket, Key="dir/small.bin")
    assert obj["Body"].read() == data
    assert obj["ETag"] == '"%s"' % md5hex(data)
    assert obj["ContentType"] == "application/x-test"
    assert obj["Metadata"] == {"origin": "cli"}

    _, out, _ = aws("s3", "ls", "s3://%s/" % bucket)
    assert [l.split() for l in out.splitlines()] == [["PRE", "dir/"]], out
    _, out, _ = aws("s3", "ls", "s3://%s/dir/" % bucket)
    fields = out.split()
    assert fields[2:] == ["12345", "small.bin"], out
    _, out, _ = aws("s3", "ls", "--recursive", "s3://%s" % bucket)
    assert out.split()[2:] == ["12345", "dir/small.bin"], out

    dst = tmp_path / "back.bin"
    aws("s3", "cp", "s3://%s/dir/small.bin" % bucket, str(dst))
    assert dst.read_bytes() == data

    # stream to stdout
    p = subprocess.run([AWS, "--endpoint-url", s3.meta.endpoint_url, "s3", "cp",
                        "s3://%s/dir/small.bin" % bucket, "-"],
                       env=aws.env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == data

    # upload from stdin
    p = subprocess.run([AWS, "--endpoint-url", s3.meta.endpoint_url, "s3", "cp", "-",
                        "s3://%s/stdin.txt" % bucket], input=b"from stdin\n",
                       env=aws.env, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert s3.get_object(Bucket=bucket, Key="stdin.txt")["Body"].read() == b"from stdin\n"

    # mv within S3: CopyObject + DeleteObject
    _, out, _ = aws("s3", "mv", "s3://%s/stdin.txt" % bucket, "s3://%s/moved.txt" % bucket)
    assert "move:" in out, out
    assert s3.get_object(Bucket=bucket, Key="moved.txt")["Body"].read() == b"from stdin\n"

    _, out, _ = aws("s3", "rm", "s3://%s/dir/small.bin" % bucket)
    assert out.strip() == "delete: s3://%s/dir/small.bin" % bucket
    assert all_keys(s3, bucket) == ["moved.txt"]


def test_s3_cp_from_stdin_multipart(aws, s3, bucket):
    # unknown size on stdin: the CLI buffers 8 MiB parts and uploads them as it reads
    data = b"".join(hashlib.sha256(b"%d" % i).digest() * (MiB // 32) for i in range(20))
    p = subprocess.run([AWS, "--endpoint-url", s3.meta.endpoint_url, "s3", "cp", "-",
                        "s3://%s/stdin-big.bin" % bucket], input=data,
                       env=aws.env, capture_output=True, timeout=120)
    assert p.returncode == 0, p.stderr
    head = s3.head_object(Bucket=bucket, Key="stdin-big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"'), head["ETag"]
    assert s3.get_object(Bucket=bucket, Key="stdin-big.bin")["Body"].read() == data


ODD_NAMES = [
    "percent%20literal.txt", "hash#tag.txt", "question?mark.txt", "tilde~.txt",
    "quote'd \"dq\".txt", "star*(paren)!.txt", "xml<lt>&amp;.txt", "semi;colon,comma.txt",
    "equals=plus+.txt", "at@dollar$.txt", "brackets[1]{2}.txt", "caret^pipe|.txt",
    "two  spaces .txt", "\u00fcn\u00efc\u00f6d\u00e9/\u65e5\u672c\u8a9e/emoji\U0001F600.txt",
]


def test_s3_odd_key_names_sync_ls_roundtrip(aws, s3, bucket, tmp_path):
    src = tmp_path / "odd"
    files = {}
    for i, name in enumerate(ODD_NAMES):
        p = src.joinpath(*name.split("/"))
        p.parent.mkdir(parents=True, exist_ok=True)
        files[name] = ("%d:%s\n" % (i, name)).encode()
        p.write_bytes(files[name])
    _, out, _ = aws("s3", "sync", str(src), "s3://%s/odd" % bucket)
    assert len([l for l in out.splitlines() if l.startswith("upload:")]) == len(files), out
    assert sorted(all_keys(s3, bucket)) == sorted("odd/" + n for n in files)

    # `aws s3 ls` lists with encoding-type=url and decodes the names
    _, out, _ = aws("s3", "ls", "--recursive", "s3://%s/odd/" % bucket)
    listed = sorted(line.split(None, 3)[3] for line in out.splitlines())
    assert listed == sorted("odd/" + n for n in files), out

    for name, data in files.items():
        assert s3.get_object(Bucket=bucket, Key="odd/" + name)["Body"].read() == data, name
    dst = tmp_path / "odd-back"
    aws("s3", "sync", "s3://%s/odd" % bucket, str(dst))
    assert _read_tree(str(dst)) == files


def _make_tree(root):
    files = {
        "top.txt": b"top level\n",
        "empty.dat": b"",
        "a/one.bin": os.urandom(70000),
        "a/b/two.txt": b"nested two\n" * 100,
        "a/b/c/three.json": b'{"deep": true}\n',
        "dir with space/file with spaces \u00e9\u00fc \u65e5\u672c.txt": "unicode \u2713\n".encode(),
        "z/+plus&amp=eq.txt": b"odd characters\n",
    }
    past = time.time() - 3600  # older than anything the server will stamp
    for rel, data in files.items():
        p = os.path.join(root, *rel.split("/"))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.utime(p, (past, past))
    return files


def _read_tree(root):
    got = {}
    for d, _, names in os.walk(root):
        for n in names:
            p = os.path.join(d, n)
            with open(p, "rb") as f:
                got[os.path.relpath(p, root).replace(os.sep, "/")] = f.read()
    return got


def test_s3_sync_tree_roundtrip(aws, s3, bucket, tmp_path):
    src = tmp_path / "src"
    files = _make_tree(str(src))
    _, out, _ = aws("s3", "sync", str(src), "s3://%s/tree" % bucket)
    uploads = [l for l in out.splitlines() if l.startswith("upload:")]
    assert len(uploads) == len(files), out

    assert sorted(all_keys(s3, bucket)) == sorted("tree/" + k for k in files)
    for rel, data in files.items():
        o = s3.get_object(Bucket=bucket, Key="tree/" + rel)
        assert o["Body"].read() == data, rel
        assert o["ContentLength"] == len(data)

    # nothing changed -> a second sync transfers nothing
    _, out, _ = aws("s3", "sync", str(src), "s3://%s/tree" % bucket)
    assert out.strip() == "", "re-sync uploaded again:\n" + out

    # change one file's size -> exactly that one is uploaded
    changed = src / "a" / "b" / "two.txt"
    changed.write_bytes(b"changed and longer\n" * 200)
    past = time.time() - 1800
    os.utime(changed, (past, past))
    _, out, _ = aws("s3", "sync", str(src), "s3://%s/tree" % bucket)
    lines = [l for l in out.splitlines() if l.strip()]
    assert len(lines) == 1 and lines[0].startswith("upload:") and "a/b/two.txt" in lines[0], out
    files["a/b/two.txt"] = changed.read_bytes()

    # download the whole prefix into a new directory
    dst = tmp_path / "dst"
    _, out, _ = aws("s3", "sync", "s3://%s/tree" % bucket, str(dst))
    assert len([l for l in out.splitlines() if l.startswith("download:")]) == len(files), out
    assert _read_tree(str(dst)) == files
    _, out, _ = aws("s3", "sync", "s3://%s/tree" % bucket, str(dst))
    assert out.strip() == "", "re-sync downloaded again:\n" + out

    # --delete removes the object whose local file is gone
    os.remove(src / "top.txt")
    _, out, _ = aws("s3", "sync", "--delete", str(src), "s3://%s/tree" % bucket)
    assert out.strip() == "delete: s3://%s/tree/top.txt" % bucket, out
    assert "tree/top.txt" not in all_keys(s3, bucket)

    # recursive rm empties the prefix
    _, out, _ = aws("s3", "rm", "--recursive", "s3://%s/tree" % bucket)
    assert len([l for l in out.splitlines() if l.startswith("delete:")]) == len(files) - 1, out
    assert all_keys(s3, bucket) == []


def test_s3_cp_100mib_multipart_roundtrip(aws, s3, bucket, tmp_path):
    size = 100 * MiB
    part = 8 * MiB  # the CLI's default multipart_chunksize (threshold 8 MiB)
    src = tmp_path / "big.bin"
    sha = hashlib.sha256()
    part_md5s = []
    block = os.urandom(MiB)
    with open(src, "wb") as f:
        written = 0
        pmd5 = hashlib.md5()
        i = 0
        while written < size:
            # vary every MiB so a misplaced part would be detected
            chunk = i.to_bytes(8, "big") + block[8:]
            f.write(chunk)
            sha.update(chunk)
            pmd5.update(chunk)
            written += len(chunk)
            i += 1
            if written % part == 0 or written == size:
                part_md5s.append(pmd5.digest())
                pmd5 = hashlib.md5()
    nparts = -(-size // part)
    assert len(part_md5s) == nparts == 13
    expected_etag = '"%s-%d"' % (hashlib.md5(b"".join(part_md5s)).hexdigest(), nparts)

    aws("s3", "cp", str(src), "s3://%s/big.bin" % bucket, "--only-show-errors", timeout=300)
    head = s3.head_object(Bucket=bucket, Key="big.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == expected_etag, "multipart ETag must be md5(concat(part md5s))-N"
    assert s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []

    # s3 -> s3 copy of a multipart-sized object: the CLI uses CreateMultipartUpload +
    # UploadPartCopy with x-amz-copy-source-range in 8 MiB steps, so the ETag is the same.
    # (--copy-props metadata-directive: tags are covered by the test below)
    aws("s3", "cp", "s3://%s/big.bin" % bucket, "s3://%s/copy/big.bin" % bucket,
        "--copy-props", "metadata-directive", "--only-show-errors", timeout=300)
    head = s3.head_object(Bucket=bucket, Key="copy/big.bin")
    assert head["ContentLength"] == size
    assert head["ETag"] == expected_etag

    # download the copy (ranged, parallel GETs) and compare
    dst = tmp_path / "big.back"
    aws("s3", "cp", "s3://%s/copy/big.bin" % bucket, str(dst), "--only-show-errors", timeout=300)
    assert dst.stat().st_size == size
    h = hashlib.sha256()
    with open(dst, "rb") as f:
        for chunk in iter(lambda: f.read(4 * MiB), b""):
            h.update(chunk)
    assert h.hexdigest() == sha.hexdigest()


def test_s3_cp_s3_to_s3_multipart_default_copy_props(aws, s3, bucket):
    # With the default --copy-props the CLI copies metadata (HeadObject) and tags
    # (GetObjectTagging) itself when the copy is multipart (>= 8 MiB).
    data = b"".join(bytes([i]) * MiB for i in range(9))
    s3.put_object(Bucket=bucket, Key="src.bin", Body=data, ContentType="application/x-nine",
                  Metadata={"m": "1"})
    aws("s3", "cp", "s3://%s/src.bin" % bucket, "s3://%s/dst.bin" % bucket)
    o = s3.get_object(Bucket=bucket, Key="dst.bin")
    assert o["Body"].read() == data
    assert o["ContentType"] == "application/x-nine" and o["Metadata"] == {"m": "1"}
    assert o["ETag"].endswith('-2"'), o["ETag"]


# --------------------------------------------------------------------------- aws s3api


def test_s3api_list_objects_v2_cli_pagination(aws, s3, bucket):
    keys = ["k%02d" % i for i in range(25)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())

    got, token, pages = [], None, 0
    while True:
        args = ["list-objects-v2", "--bucket", bucket, "--max-items", "10", "--page-size", "4"]
        if token:
            args += ["--starting-token", token]
        r = api(aws, *args)
        pages += 1
        got += [o["Key"] for o in r.get("Contents", [])]
        assert all(o["Size"] == 3 for o in r["Contents"])
        token = r.get("NextToken")
        if not token:
            break
        assert len(r["Contents"]) == 10
        assert pages < 10, "pagination does not terminate"
    assert got == keys
    assert pages == 3


def test_s3api_list_objects_v2_raw_continuation(aws, s3, bucket):
    keys = sorted("obj/%03d" % i for i in range(25))
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")

    got, token, truncated = [], None, []
    for _ in range(10):
        args = ["list-objects-v2", "--bucket", bucket, "--max-keys", "7", "--no-paginate"]
        if token:
            args += ["--continuation-token", token]
        r = api(aws, *args)
        assert r["MaxKeys"] == 7
        assert r["Name"] == bucket
        assert r["KeyCount"] == len(r.get("Contents", []))
        got += [o["Key"] for o in r.get("Contents", [])]
        truncated.append(r["IsTruncated"])
        if token:
            assert r["ContinuationToken"] == token
        if not r["IsTruncated"]:
            assert "NextContinuationToken" not in r
            break
        token = r["NextContinuationToken"]
    assert got == keys
    assert truncated == [True, True, True, False]

    r = api(aws, "list-objects-v2", "--bucket", bucket, "--start-after", "obj/019", "--no-paginate")
    assert [o["Key"] for o in r["Contents"]] == keys[20:]
    assert r["StartAfter"] == "obj/019"


def test_s3api_list_delimiter_v1_v2(aws, s3, bucket):
    for k in ["a/1", "a/2", "b/x/1", "c", "d"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"")
    r = api(aws, "list-objects-v2", "--bucket", bucket, "--delimiter", "/", "--no-paginate")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/", "b/"]
    assert [o["Key"] for o in r["Contents"]] == ["c", "d"]
    assert r["KeyCount"] == 4
    assert r["Delimiter"] == "/"

    r = api(aws, "list-objects-v2", "--bucket", bucket, "--prefix", "b/", "--delimiter", "/",
            "--no-paginate")
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["b/x/"]
    assert "Contents" not in r

    # v1 with delimiter: NextMarker is the last key or common prefix returned
    r = api(aws, "list-objects", "--bucket", bucket, "--delimiter", "/", "--max-keys", "2",
            "--no-paginate")
    assert r["IsTruncated"] is True
    assert [p["Prefix"] for p in r["CommonPrefixes"]] == ["a/", "b/"]
    assert "Contents" not in r
    assert r["NextMarker"] == "b/"
    r = api(aws, "list-objects", "--bucket", bucket, "--delimiter", "/", "--max-keys", "2",
            "--marker", "b/", "--no-paginate")
    assert r["IsTruncated"] is False
    assert "CommonPrefixes" not in r, "the prefix named by the marker must not come back"
    assert [o["Key"] for o in r["Contents"]] == ["c", "d"]
    assert r["Marker"] == "b/"

    # v1 auto-paginated by the CLI
    r = api(aws, "list-objects", "--bucket", bucket, "--page-size", "2")
    assert [o["Key"] for o in r["Contents"]] == ["a/1", "a/2", "b/x/1", "c", "d"]


def test_s3api_put_copy_object_metadata(aws, s3, bucket, tmp_path):
    data = b"copy me " * 1000
    body = tmp_path / "body"
    body.write_bytes(data)
    src_key = "src dir/\u00fcn\u00ef c\u00f6de.txt"
    r = api(aws, "put-object", "--bucket", bucket, "--key", src_key, "--body", str(body),
            "--content-type", "text/plain", "--metadata", '{"color":"blue","shape":"round"}',
            "--content-md5", base64.b64encode(hashlib.md5(data).digest()).decode())
    assert r["ETag"] == '"%s"' % md5hex(data)

    r = api(aws, "copy-object", "--bucket", bucket, "--key", "dst/copy.txt",
            "--copy-source", "%s/%s" % (bucket, src_key))
    assert r["CopyObjectResult"]["ETag"] == '"%s"' % md5hex(data)
    assert "LastModified" in r["CopyObjectResult"]

    h = api(aws, "head-object", "--bucket", bucket, "--key", "dst/copy.txt")
    assert h["ContentLength"] == len(data)
    assert h["ContentType"] == "text/plain"
    assert h["Metadata"] == {"color": "blue", "shape": "round"}
    assert s3.get_object(Bucket=bucket, Key="dst/copy.txt")["Body"].read() == data

    api(aws, "copy-object", "--bucket", bucket, "--key", "dst/replaced.txt",
        "--copy-source", "%s/%s" % (bucket, src_key), "--metadata-directive", "REPLACE",
        "--metadata", '{"new":"yes"}', "--content-type", "application/octet-stream")
    h = api(aws, "head-object", "--bucket", bucket, "--key", "dst/replaced.txt")
    assert h["Metadata"] == {"new": "yes"}
    assert h["ContentType"] == "application/octet-stream"

    # copying onto itself without changing anything is rejected by S3
    rc, _, err = aws("s3api", "copy-object", "--bucket", bucket, "--key", "dst/copy.txt",
                     "--copy-source", "%s/dst/copy.txt" % bucket, check=False)
    assert rc != 0 and "InvalidRequest" in err, err

    rc, _, err = aws("s3api", "copy-object", "--bucket", bucket, "--key", "x",
                     "--copy-source", "%s/does-not-exist" % bucket, check=False)
    assert rc != 0 and "NoSuchKey" in err, err


def test_s3api_get_object_range(aws, s3, bucket, tmp_path):
    data = bytes(range(256)) * 4  # 1024 bytes
    s3.put_object(Bucket=bucket, Key="r.bin", Body=data)
    out = tmp_path / "part"

    r = api(aws, "get-object", "--bucket", bucket, "--key", "r.bin", "--range", "bytes=100-199", str(out))
    assert out.read_bytes() == data[100:200]
    assert r["ContentLength"] == 100
    assert r["ContentRange"] == "bytes 100-199/1024"

    r = api(aws, "get-object", "--bucket", bucket, "--key", "r.bin", "--range", "bytes=-50", str(out))
    assert out.read_bytes() == data[-50:]
    assert r["ContentRange"] == "bytes 974-1023/1024"

    r = api(aws, "get-object", "--bucket", bucket, "--key", "r.bin", "--range", "bytes=1000-", str(out))
    assert out.read_bytes() == data[1000:]
    assert r["ContentRange"] == "bytes 1000-1023/1024"

    # end past the size is clamped
    r = api(aws, "get-object", "--bucket", bucket, "--key", "r.bin", "--range", "bytes=1020-5000", str(out))
    assert out.read_bytes() == data[1020:]
    assert r["ContentRange"] == "bytes 1020-1023/1024"

    rc, _, err = aws("s3api", "get-object", "--bucket", bucket, "--key", "r.bin",
                     "--range", "bytes=5000-6000", str(out), check=False)
    assert rc != 0 and "InvalidRange" in err, err


def test_s3api_conditionals(aws, s3, bucket, tmp_path):
    data = b"conditional body"
    etag = s3.put_object(Bucket=bucket, Key="c.txt", Body=data)["ETag"]
    assert etag == '"%s"' % md5hex(data)
    out = tmp_path / "c.out"

    rc, _, err = aws("s3api", "get-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-none-match", etag, str(out), check=False)
    assert rc != 0, "If-None-Match with the current ETag must not return the body"
    assert "An error occurred (304)" in err and "Not Modified" in err, err

    rc, _, err = aws("s3api", "get-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-match", '"0123456789abcdef0123456789abcdef"', str(out), check=False)
    assert rc != 0
    assert "(PreconditionFailed)" in err, err

    rc, _, err = aws("s3api", "head-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-none-match", etag, check=False)
    assert rc != 0 and "(304)" in err, err
    rc, _, err = aws("s3api", "head-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-match", '"0123456789abcdef0123456789abcdef"', check=False)
    assert rc != 0 and "(412)" in err, err

    # the matching cases return the object
    if out.exists():
        out.unlink()
    r = api(aws, "get-object", "--bucket", bucket, "--key", "c.txt", "--if-match", etag, str(out))
    assert out.read_bytes() == data and r["ETag"] == etag
    out.unlink()
    api(aws, "get-object", "--bucket", bucket, "--key", "c.txt",
        "--if-none-match", '"0123456789abcdef0123456789abcdef"', str(out))
    assert out.read_bytes() == data

    # dates: not modified since its own Last-Modified -> 304; unmodified since 2001 -> 412
    lm = s3.head_object(Bucket=bucket, Key="c.txt")["LastModified"]
    rc, _, err = aws("s3api", "get-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-modified-since", lm.strftime("%Y-%m-%dT%H:%M:%SZ"), str(out), check=False)
    assert rc != 0 and "(304)" in err, err
    rc, _, err = aws("s3api", "get-object", "--bucket", bucket, "--key", "c.txt",
                     "--if-unmodified-since", "2001-01-01T00:00:00Z", str(out), check=False)
    assert rc != 0 and "(PreconditionFailed)" in err, err


def test_s3api_delete_objects(aws, s3, bucket):
    keys = ["del/%d" % i for i in range(6)]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"d")
    s3.put_object(Bucket=bucket, Key="keep", Body=b"k")

    spec = {"Objects": [{"Key": k} for k in keys[:4]] + [{"Key": "del/missing"}], "Quiet": False}
    r = api(aws, "delete-objects", "--bucket", bucket, "--delete", json.dumps(spec))
    # S3 reports a key that did not exist as deleted too
    assert sorted(d["Key"] for d in r["Deleted"]) == sorted(keys[:4] + ["del/missing"])
    assert "Errors" not in r
    assert sorted(all_keys(s3, bucket)) == sorted(keys[4:] + ["keep"])

    spec = {"Objects": [{"Key": k} for k in keys[4:]], "Quiet": True}
    r = api(aws, "delete-objects", "--bucket", bucket, "--delete", json.dumps(spec))
    assert not r.get("Deleted"), "Quiet mode must not list deleted keys: %r" % r
    assert not r.get("Errors")
    assert all_keys(s3, bucket) == ["keep"]


def test_s3api_multipart_by_hand(aws, s3, bucket, tmp_path):
    p1 = os.urandom(5 * MiB)
    p2 = b"second and last part"
    (tmp_path / "p1").write_bytes(p1)
    (tmp_path / "p2").write_bytes(p2)
    up = api(aws, "create-multipart-upload", "--bucket", bucket, "--key", "mp/obj",
             "--content-type", "application/x-mp", "--metadata", '{"via":"s3api"}')
    uid = up["UploadId"]
    assert up["Bucket"] == bucket and up["Key"] == "mp/obj" and uid

    other = api(aws, "create-multipart-upload", "--bucket", bucket, "--key", "mp/aborted")["UploadId"]
    r = api(aws, "list-multipart-uploads", "--bucket", bucket)
    assert sorted((u["Key"], u["UploadId"]) for u in r["Uploads"]) == sorted(
        [("mp/obj", uid), ("mp/aborted", other)])

    e1 = api(aws, "upload-part", "--bucket", bucket, "--key", "mp/obj", "--upload-id", uid,
             "--part-number", "1", "--body", str(tmp_path / "p1"))["ETag"]
    e2 = api(aws, "upload-part", "--bucket", bucket, "--key", "mp/obj", "--upload-id", uid,
             "--part-number", "2", "--body", str(tmp_path / "p2"))["ETag"]
    assert e1 == '"%s"' % md5hex(p1) and e2 == '"%s"' % md5hex(p2)

    r = api(aws, "list-parts", "--bucket", bucket, "--key", "mp/obj", "--upload-id", uid)
    assert [(p["PartNumber"], p["Size"], p["ETag"]) for p in r["Parts"]] == [
        (1, len(p1), e1), (2, len(p2), e2)]

    # parts must be listed in ascending order
    bad = {"Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]}
    rc, _, err = aws("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "mp/obj",
                     "--upload-id", uid, "--multipart-upload", json.dumps(bad), check=False)
    assert rc != 0 and "InvalidPartOrder" in err, err

    done = {"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]}
    r = api(aws, "complete-multipart-upload", "--bucket", bucket, "--key", "mp/obj",
            "--upload-id", uid, "--multipart-upload", json.dumps(done))
    etag = '"%s-2"' % hashlib.md5(hashlib.md5(p1).digest() + hashlib.md5(p2).digest()).hexdigest()
    assert r["ETag"] == etag and r["Key"] == "mp/obj" and r["Bucket"] == bucket
    o = s3.get_object(Bucket=bucket, Key="mp/obj")
    assert o["Body"].read() == p1 + p2
    assert o["ContentType"] == "application/x-mp" and o["Metadata"] == {"via": "s3api"}

    # a part smaller than 5 MiB that is not the last one is refused at completion
    s1 = api(aws, "upload-part", "--bucket", bucket, "--key", "mp/aborted", "--upload-id", other,
             "--part-number", "1", "--body", str(tmp_path / "p2"))["ETag"]
    s2 = api(aws, "upload-part", "--bucket", bucket, "--key", "mp/aborted", "--upload-id", other,
             "--part-number", "2", "--body", str(tmp_path / "p2"))["ETag"]
    small = {"Parts": [{"PartNumber": 1, "ETag": s1}, {"PartNumber": 2, "ETag": s2}]}
    rc, _, err = aws("s3api", "complete-multipart-upload", "--bucket", bucket, "--key", "mp/aborted",
                     "--upload-id", other, "--multipart-upload", json.dumps(small), check=False)
    assert rc != 0 and "EntityTooSmall" in err, err

    api(aws, "abort-multipart-upload", "--bucket", bucket, "--key", "mp/aborted", "--upload-id", other)
    rc, _, err = aws("s3api", "list-parts", "--bucket", bucket, "--key", "mp/aborted",
                     "--upload-id", other, check=False)
    assert rc != 0 and "NoSuchUpload" in err, err
    assert api(aws, "list-multipart-uploads", "--bucket", bucket).get("Uploads", []) == []
    assert sorted(all_keys(s3, bucket)) == ["mp/obj"]


def test_s3api_checksums(aws, s3, bucket, tmp_path):
    import zlib
    data = os.urandom(200000)
    body = tmp_path / "ck.bin"
    body.write_bytes(data)
    sha = base64.b64encode(hashlib.sha256(data).digest()).decode()
    crc = base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()

    r = api(aws, "put-object", "--bucket", bucket, "--key", "ck-sha", "--body", str(body),
            "--checksum-algorithm", "SHA256")
    assert r.get("ChecksumSHA256") == sha, r
    h = api(aws, "head-object", "--bucket", bucket, "--key", "ck-sha", "--checksum-mode", "ENABLED")
    assert h.get("ChecksumSHA256") == sha, h

    r = api(aws, "put-object", "--bucket", bucket, "--key", "ck-crc", "--body", str(body),
            "--checksum-crc32", crc)
    assert r.get("ChecksumCRC32") == crc, r
    out = tmp_path / "ck.out"
    g = api(aws, "get-object", "--bucket", bucket, "--key", "ck-crc", "--checksum-mode", "ENABLED", str(out))
    assert g.get("ChecksumCRC32") == crc and out.read_bytes() == data, g

    wrong = base64.b64encode(zlib.crc32(b"not the body").to_bytes(4, "big")).decode()
    rc, _, err = aws("s3api", "put-object", "--bucket", bucket, "--key", "ck-bad", "--body", str(body),
                     "--checksum-crc32", wrong, check=False)
    assert rc != 0 and "BadDigest" in err, err
    assert sorted(all_keys(s3, bucket)) == ["ck-crc", "ck-sha"]


def test_s3_presign_get_and_expiry(aws, s3, bucket):
    data = b"presigned content \x00\x01\x02"
    key = "dir/hello world+1.txt"
    s3.put_object(Bucket=bucket, Key=key, Body=data)

    _, out, _ = aws("s3", "presign", "s3://%s/%s" % (bucket, key), "--expires-in", "300")
    url = out.strip()
    assert url.startswith(s3.meta.endpoint_url + "/" + bucket + "/"), url
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in url and "X-Amz-Signature=" in url, url
    body = curl("-o", "-", url)
    assert body == data

    odd = "\u00fcn\u00ef/\u65e5\u672c #?&=;~'()*!.txt"
    s3.put_object(Bucket=bucket, Key=odd, Body=b"odd")
    _, out, _ = aws("s3", "presign", "s3://%s/%s" % (bucket, odd), "--expires-in", "300")
    assert curl("-o", "-", out.strip()) == b"odd", out

    # PUT is not the method that was signed -> the signature does not match
    status = curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "--data-binary", "x", url)
    assert status == b"403"

    # tampering with the key breaks the signature
    bad = url.replace("/dir/", "/dir2/", 1)
    resp = curl("-w", "\n%{http_code}", bad)
    xml, status = resp.rsplit(b"\n", 1)
    assert status == b"403"
    assert ET.fromstring(xml).findtext("Code") == "SignatureDoesNotMatch", xml

    _, out, _ = aws("s3", "presign", "s3://%s/%s" % (bucket, key), "--expires-in", "1")
    url = out.strip()
    time.sleep(2.2)
    resp = curl("-w", "\n%{http_code}", url)
    xml, status = resp.rsplit(b"\n", 1)
    assert status == b"403", resp
    root = ET.fromstring(xml)
    assert root.tag == "Error"
    assert root.findtext("Code") == "AccessDenied", xml
    assert root.findtext("Message") == "Request has expired", xml


def test_server_log_has_no_secret(server):
    log = server.read_log()
    assert "PUT" in log, "no access log lines on the server's stderr"
    assert server.secret not in log
    assert server.secret.replace("/", "%2F") not in log
