#!/usr/bin/env python3
"""A second, independent implementation of lkrc v1 (docs/signing.md), in Python.

It shows what a client in another language has to do, and the test suite runs it against
docs/test-vectors.json and against routekeeper's verifier:

  python3 lkrc.py vectors docs/test-vectors.json      # recompute every vector; exit 1 on a difference
  python3 lkrc.py heartbeat --cluster lk-demo --node node2 --key-file node2.json [--vip 10.1.0.10]
                                                      # print a signed PutEvents entry (no bus name)

Needs only the standard library for v1 (HMAC-SHA256) and the `cryptography` package for v1a (Ed25519).
"""
import argparse
import base64
import hashlib
import hmac
import json
import re
import sys
import time
import uuid

PATTERNS = {
    "source": r"lifekeeper\.[a-z0-9][a-z0-9-]{0,47}\.[a-z0-9][a-z0-9-]{0,47}",
    "detail_type": r"[A-Za-z][A-Za-z0-9 ]{0,62}[A-Za-z0-9]",
    "msg_id": r"[A-Za-z0-9_-]{16,64}",
    "body": r"[A-Za-z0-9_-]{2,8192}",
}


def b64u(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def canonical(source: str, detail_type: str, msg_id: str, ts: int, body: str) -> str:
    """The string both sides sign. Every field must match its pattern as a whole (fullmatch, not search)."""
    for name, value in (("source", source), ("detail_type", detail_type), ("msg_id", msg_id), ("body", body)):
        if not re.fullmatch(PATTERNS[name], value):
            raise ValueError(f"{name} is not valid for lkrc v1")
    if not (isinstance(ts, int) and not isinstance(ts, bool) and 0 < ts <= 99_999_999_999):
        raise ValueError("ts must be a positive integer number of seconds")
    return "\n".join(["lkrc1", source, detail_type, msg_id, str(ts), body])


def sign(key: dict, text: str) -> dict:
    data = text.encode("utf-8")
    if key["alg"] == "v1":
        value = hmac.new(unb64u(key["secret"]), data, hashlib.sha256).digest()
    elif key["alg"] == "v1a":
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        value = Ed25519PrivateKey.from_private_bytes(unb64u(key["privateKey"])).sign(data)
    else:
        raise ValueError(f"unknown alg {key['alg']}")
    return {"kid": key["kid"], "alg": key["alg"], "value": b64u(value)}


def entry(source: str, detail_type: str, command: dict, keys: list) -> dict:
    """A PutEvents entry: the command's JSON bytes travel base64url-encoded in detail.body."""
    body = b64u(json.dumps(command, separators=(",", ":")).encode("utf-8"))
    text = canonical(source, detail_type, command["msgId"], command["ts"], body)
    detail = {"lkrc": "1", "msgId": command["msgId"], "ts": command["ts"], "body": body,
              "sig": [sign(key, text) for key in keys]}
    return {"Source": source, "DetailType": detail_type, "Detail": json.dumps(detail, separators=(",", ":"))}


def check_vectors(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        document = json.load(handle)
    keys = {key["kid"]: key for key in document["keys"]}
    failures = 0
    for vector in document["vectors"]:
        given, expected = vector["input"], vector["expected"]
        body = b64u(given["bodyJson"].encode("utf-8"))
        text = canonical(given["source"], given["detailType"], given["msgId"], given["ts"], body)
        signatures = [sign(keys[kid], text) for kid in given["kids"]]
        ok = body == expected["body"] and text == expected["canonical"] and signatures == expected["signatures"]
        failures += 0 if ok else 1
        print(f"{'ok  ' if ok else 'FAIL'} {vector['name']}")
    return 1 if failures else 0


def heartbeat(args) -> int:
    with open(args.key_file, encoding="utf-8") as handle:
        keys = json.load(handle)["keys"]
    now_ms = int(time.time() * 1000)
    command = {"type": "heartbeat", "cluster": args.cluster, "node": args.node, "msgId": str(uuid.uuid4()),
               "ts": now_ms // 1000, "sentAt": now_ms, "vips": args.vip or []}
    print(json.dumps(entry(f"lifekeeper.{args.cluster}.{args.node}", "LifeKeeper Heartbeat", command, keys)))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    vectors = commands.add_parser("vectors")
    vectors.add_argument("path")
    beat = commands.add_parser("heartbeat")
    beat.add_argument("--cluster", required=True)
    beat.add_argument("--node", required=True)
    beat.add_argument("--key-file", required=True)
    beat.add_argument("--vip", action="append")
    args = parser.parse_args()
    return check_vectors(args.path) if args.command == "vectors" else heartbeat(args)


if __name__ == "__main__":
    sys.exit(main())
