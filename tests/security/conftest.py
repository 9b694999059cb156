"""The attack suite runs on the integration suite's fixtures: the same real
coffer (COFFER_BIN, the sanitizer build under `make test`) on a free loopback
port, the same root keys and the same independent SigV4 client. This file
loads tests/integration/conftest.py under its own name and re-exports it, so
`from conftest import ...` here means the same helpers as there."""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(os.path.dirname(HERE), "integration")
if INTEGRATION not in sys.path:
    sys.path.insert(0, INTEGRATION)          # sigv4_client, test_sts (clock shim)

_spec = importlib.util.spec_from_file_location("integration_conftest",
                                               os.path.join(INTEGRATION, "conftest.py"))
_integration = importlib.util.module_from_spec(_spec)
sys.modules["integration_conftest"] = _integration
_spec.loader.exec_module(_integration)

from integration_conftest import *  # noqa: E402,F401,F403  fixtures and helpers
from integration_conftest import (AKID, AWS, BIN, REGION, S3_FULL, SECRET, IamUser,  # noqa: E402,F401
                                  Server, account_id, aws_cli, bucket, client_as,
                                  free_port, new_iam_user, s3, server)

import pytest  # noqa: E402
from sigv4_client import SigV4Client  # noqa: E402


@pytest.fixture(scope="session")
def raw(server):
    """The independent SigV4 client, signing as root."""
    return SigV4Client.for_server(server)


def outside_snapshot(server):
    """Every path under the server's temp dir but outside its data dir: an
    attack that escaped the data dir would add one."""
    out = set()
    data = os.path.realpath(server.data)
    for root, dirs, files in os.walk(server.tmp):
        for n in dirs + files:
            p = os.path.realpath(os.path.join(root, n))
            if not p.startswith(data + os.sep) and p != data:
                out.add(p)
    return out


def data_files(server):
    """Every file under the data dir (relative paths)."""
    out = set()
    for root, _, files in os.walk(server.data):
        for n in files:
            out.add(os.path.relpath(os.path.join(root, n), server.data))
    return out


def object_body(s3, bucket, key):
    """The object's bytes, or None when it does not exist."""
    from botocore.exceptions import ClientError
    try:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as e:
        if e.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return None
        raise


def keys_of(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
