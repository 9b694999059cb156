"""AWS SDK for JavaScript v3 (current npm release) against a real coffer server.

The work is done by tests/js/s3_roundtrip.mjs; this wrapper gives it a bucket and
a 6 MiB file, demands exit 0 and then re-reads what the SDK wrote with boto3."""
import hashlib
import os
import shutil
import subprocess

import pytest

from conftest import ROOT

JS_DIR = os.path.join(ROOT, "tests", "js")
SCRIPT = os.path.join(JS_DIR, "s3_roundtrip.mjs")
MiB = 1024 * 1024


def _node():
    node = shutil.which("node")
    if not node:
        pytest.fail("node is not installed (make test installs nodejs via scripts/deps.sh)")
    if not os.path.isdir(os.path.join(JS_DIR, "node_modules", "@aws-sdk", "client-s3")):
        pytest.fail("tests/js/node_modules is missing: run `cd tests/js && npm install` "
                    "(make test does this via scripts/deps.sh)")
    return node


def test_js_sdk_roundtrip(server, s3, bucket, tmp_path):
    node = _node()
    stream = tmp_path / "stream.bin"
    data = b"".join(hashlib.sha512(i.to_bytes(4, "big")).digest() * 16 for i in range(6 * MiB // 1024))
    assert len(data) == 6 * MiB
    stream.write_bytes(data)

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(COFFER_ENDPOINT=server.endpoint, COFFER_ACCESS_KEY_ID=server.akid,
               COFFER_SECRET_ACCESS_KEY=server.secret, COFFER_REGION=server.region,
               COFFER_BUCKET=bucket, COFFER_STREAM_FILE=str(stream),
               AWS_EC2_METADATA_DISABLED="true", HOME=str(tmp_path), NODE_NO_WARNINGS="1",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    p = subprocess.run([node, SCRIPT], cwd=JS_DIR, env=env, capture_output=True, timeout=180)
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    print(out)
    assert p.returncode == 0, "JS SDK round trip failed (exit %d):\n%s" % (p.returncode, out)
    assert "STEPS OK" in out and "not ok" not in out, out

    # what the SDK wrote is readable, byte for byte, by another client
    assert s3.get_object(Bucket=bucket, Key="js/stream.bin")["Body"].read() == data
    assert s3.get_object(Bucket=bucket, Key="js/copy of stream.bin")["Body"].read() == data
    assert (s3.get_object(Bucket=bucket, Key="js/string.txt")["Body"].read()
            == "hello from the JS SDK \u2713 \u65e5\u672c".encode())
    head = s3.head_object(Bucket=bucket, Key="js/mpu-crc32.bin")
    assert head["ContentLength"] == 12 * MiB and head["ETag"].endswith('-3"'), head


def test_server_log_has_no_secret(server):
    log = server.read_log()
    assert "PUT" in log, "no access log lines on the server's stderr"
    assert server.secret not in log
    assert server.secret.replace("/", "%2F") not in log
