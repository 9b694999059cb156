"""Conditional writes under a race: of several PUTs of one key that all carry
If-None-Match: * (or all If-Match: the same current ETag), exactly one may
succeed; the others get 412 PreconditionFailed, and the stored object is the
winner's. The condition is judged in the transaction that writes (before,
a check ahead of the commit let two of them win)."""
import threading

import botocore.exceptions

WRITERS = 8
TRIALS = 15


def conditional_client(server, header, value):
    c = server.client()
    c.meta.events.register("before-sign.s3.PutObject",
                           lambda request, **kw: request.headers.__setitem__(header, value))
    return c


def race(server, bucket, key, header, value):
    """WRITERS concurrent PUTs of key with header: value; returns (winners'
    bodies, error codes of the others)."""
    won, codes, lock = [], [], threading.Lock()
    go = threading.Barrier(WRITERS)
    clients = [conditional_client(server, header, value) for _ in range(WRITERS)]

    def put(i):
        body = (b"%02d" % i) * 100_000
        go.wait()
        try:
            clients[i].put_object(Bucket=bucket, Key=key, Body=body)
            with lock:
                won.append(body)
        except botocore.exceptions.ClientError as e:
            with lock:
                codes.append((e.response["ResponseMetadata"]["HTTPStatusCode"],
                              e.response["Error"]["Code"]))

    threads = [threading.Thread(target=put, args=(i,)) for i in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return won, codes


def test_if_none_match_race_has_one_winner(server, s3, bucket):
    for trial in range(TRIALS):
        key = "inm-%d" % trial
        won, codes = race(server, bucket, key, "If-None-Match", "*")
        assert len(won) == 1, "trial %d: %d PUTs with If-None-Match: * succeeded" % (trial, len(won))
        assert codes == [(412, "PreconditionFailed")] * (WRITERS - 1)
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == won[0]


def test_if_match_race_has_one_winner(server, s3, bucket):
    for trial in range(TRIALS):
        key = "im-%d" % trial
        etag = s3.put_object(Bucket=bucket, Key=key, Body=b"first")["ETag"]
        won, codes = race(server, bucket, key, "If-Match", etag)
        assert len(won) == 1, "trial %d: %d PUTs with If-Match succeeded" % (trial, len(won))
        assert codes == [(412, "PreconditionFailed")] * (WRITERS - 1)
        assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == won[0]
