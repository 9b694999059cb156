"""Shared fixtures: a real coffer server on a free loopback port, and clients.

Every test talks to the binary named by COFFER_BIN (the sanitizer build under
`make test`); nothing is mocked. CA-bundle variables are dropped because some
clients refuse them against a plain-HTTP loopback endpoint."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request

import boto3
import pytest
from botocore.config import Config

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.environ.get("COFFER_BIN", os.path.join(ROOT, "build", "coffer"))
RELEASE_BIN = os.environ.get("COFFER_RELEASE_BIN", os.path.join(ROOT, "build", "coffer"))
AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ROOT_PASSWORD = "Console-Root-Pw1"  # COFFER_ROOT_PASSWORD of test servers
REGION = "us-east-1"

for _v in ("AWS_CA_BUNDLE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE",
           "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
    os.environ.pop(_v, None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A coffer process on its own data directory; stop() ends it with SIGTERM."""

    def __init__(self, binary=BIN, data=None, env=None, args=(), root_keys=True):
        self.tmp = tempfile.mkdtemp(prefix="coffer-test-")
        self.data = data or os.path.join(self.tmp, "data")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        # The web console listens too (its own free port, never 9001).
        self.console_port = free_port()
        self.console = f"http://127.0.0.1:{self.console_port}"
        self.root_password = ROOT_PASSWORD
        self.akid, self.secret, self.region = AKID, SECRET, REGION
        self.log_path = os.path.join(self.tmp, "server.log")
        e = dict(os.environ)
        if root_keys:
            e["COFFER_ROOT_ACCESS_KEY_ID"] = AKID
            e["COFFER_ROOT_SECRET_ACCESS_KEY"] = SECRET
            e.setdefault("COFFER_ROOT_PASSWORD", ROOT_PASSWORD)
        e.update(env or {})
        # ASan: leaks are checked at exit; a clean SIGTERM shutdown must have none.
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        console = [] if "--console-listen" in args else [
            "--console-listen", f"127.0.0.1:{self.console_port}"]
        self.cmd = [binary, "server", "--data", self.data, "--listen",
                    f"127.0.0.1:{self.port}", *console, *args]
        self.env = e
        self.proc = None
        self.start()

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.cmd, env=self.env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("coffer exited at start:\n" + self.read_log())
            try:
                with urllib.request.urlopen(self.endpoint + "/_coffer/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except Exception:
                time.sleep(0.05)
        raise RuntimeError("coffer did not become ready:\n" + self.read_log())

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stop(self, sig=signal.SIGTERM, timeout=30):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else 0
        self.log.close()
        return rc

    def restart(self):
        self.stop()
        self.start()

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def client(self, service="s3", **cfg):
        c = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
                   signature_version="s3v4" if service == "s3" else "v4",
                   **cfg)
        return boto3.client(service, endpoint_url=self.endpoint, region_name=self.region,
                            aws_access_key_id=self.akid, aws_secret_access_key=self.secret,
                            config=c)

    def cli_env(self, home):
        """Environment for the AWS CLI, s3cmd and rclone: isolated config files."""
        e = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        e.update(AWS_ACCESS_KEY_ID=self.akid, AWS_SECRET_ACCESS_KEY=self.secret,
                 AWS_DEFAULT_REGION=self.region, AWS_EC2_METADATA_DISABLED="true",
                 AWS_CONFIG_FILE=os.path.join(home, "aws-config"),
                 AWS_SHARED_CREDENTIALS_FILE=os.path.join(home, "aws-credentials"),
                 HOME=home)
        return e


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    rc = s.stop()
    log = s.read_log()
    shutil.rmtree(s.tmp, ignore_errors=True)
    assert rc == 0, "coffer did not shut down cleanly (rc=%s):\n%s" % (rc, log[-4000:])
    assert "ERROR: AddressSanitizer" not in log and "runtime error:" not in log, log[-8000:]


@pytest.fixture(scope="session")
def s3(server):
    return server.client()


_counter = [0]


@pytest.fixture
def bucket(s3):
    """A fresh empty bucket per test; emptied and removed afterwards."""
    _counter[0] += 1
    name = "t%d-%d" % (os.getpid(), _counter[0])
    s3.create_bucket(Bucket=name)
    yield name
    try:
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
            for o in page.get("Contents", []):
                s3.delete_object(Bucket=name, Key=o["Key"])
        for u in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=name, Key=u["Key"], UploadId=u["UploadId"])
        s3.delete_bucket(Bucket=name)
    except Exception:
        pass


AWS = "/usr/bin/aws"  # Debian's AWS CLI v2; the one on PATH may be another


# --- IAM/STS helpers (test_iam_*.py, test_sts.py, test_guide.py, test_authz_s3.py,
# test_secrets.py, test_policy_sim.py) ---
S3_FULL = "arn:aws:iam::aws:policy/AmazonS3FullAccess"


def client_as(server, akid, secret, token=None, service="s3", region=None, **cfg):
    """A boto3 client for `service` on `server` with the given credentials
    (cfg: more botocore Config options, e.g. parameter_validation=False)."""
    c = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1},
               signature_version="s3v4" if service == "s3" else "v4", **cfg)
    return boto3.client(service, endpoint_url=server.endpoint, region_name=region or server.region,
                        aws_access_key_id=akid, aws_secret_access_key=secret,
                        aws_session_token=token, config=c)


class IamUser:
    """An IAM user created by root with one access key; .s3/.iam/.sts clients."""

    def __init__(self, server, name, akid, secret, arn):
        self.server, self.name, self.akid, self.secret, self.arn = server, name, akid, secret, arn

    def client(self, service="s3", **cfg):
        return client_as(self.server, self.akid, self.secret, service=service, **cfg)

    @property
    def s3(self):
        return self.client("s3")

    @property
    def iam(self):
        return self.client("iam")

    @property
    def sts(self):
        return self.client("sts")


def new_iam_user(server, prefix="user", policies=(), inline=None, path="/"):
    """Creates a user (unique name), attaches managed policy ARNs, puts the
    inline policy document (dict) when given, and creates one access key."""
    import json as _json
    import uuid as _uuid
    iam = server.client("iam")
    name = "%s-%s" % (prefix, _uuid.uuid4().hex[:10])
    u = iam.create_user(UserName=name, Path=path)["User"]
    for arn in policies:
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    if inline is not None:
        iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=_json.dumps(inline))
    k = iam.create_access_key(UserName=name)["AccessKey"]
    return IamUser(server, name, k["AccessKeyId"], k["SecretAccessKey"], u["Arn"])


def account_id(server):
    return server.client("sts").get_caller_identity()["Account"]


def aws_cli(server, home, *args, creds=None, env=None, check=True, timeout=120):
    """Runs /usr/bin/aws against server with isolated config in `home` (a
    directory). creds: (akid, secret[, session token]); root's by default.
    Returns (rc, stdout, stderr); check=True fails the test on rc != 0."""
    home = str(home)
    os.makedirs(home, exist_ok=True)
    e = server.cli_env(home)
    e.update(AWS_PAGER="", LC_ALL="C.UTF-8", LANG="C.UTF-8", PYTHONIOENCODING="utf-8")
    if creds:
        e["AWS_ACCESS_KEY_ID"], e["AWS_SECRET_ACCESS_KEY"] = creds[0], creds[1]
        if len(creds) > 2 and creds[2]:
            e["AWS_SESSION_TOKEN"] = creds[2]
    e.update(env or {})
    with open(os.path.join(home, "aws-config"), "w") as f:
        f.write("[default]\nregion = %s\noutput = json\ns3 =\n    addressing_style = path\n"
                % server.region)
    p = subprocess.run([AWS, "--endpoint-url", server.endpoint, *args], env=e,
                       capture_output=True, timeout=timeout)
    out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
    if check and p.returncode != 0:
        pytest.fail("aws %r exited %d\n--- stdout\n%s\n--- stderr\n%s" % (args, p.returncode, out, err))
    return p.returncode, out, err
