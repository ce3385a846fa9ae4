#!/usr/bin/python3
"""gRPC C-core (python3-grpcio) interop client: runs the interop cases against --target.

Prints "PASS <case>[ detail]" or "FAIL <case>: <why>" per case; exits 1 if any failed.
Usage: /usr/bin/python3 python_client.py --target 127.0.0.1:PORT [--cases unary,echo]
"""
import argparse
import sys

import grpc

import python_protos

hello_pb2, test_pb2, health_pb2 = python_protos.load()
TEST = "/actorchannel.testing.TestService/"
NON_ASCII = "Ünïcødé ✓ 错误 100% \U0001F600"
BYTES = bytes([0, 1, 2, 127, 128, 254, 255])
FOUR_MIB = 4 * 1024 * 1024
BOUND = 20


def method(channel, kind, name, req, resp):
    return getattr(channel, kind)(name, request_serializer=req.SerializeToString, response_deserializer=resp.FromString)


class Stubs:
    def __init__(self, channel):
        self.say_hello = method(channel, "unary_unary", "/helloworld.Greeter/SayHello", hello_pb2.HelloRequest, hello_pb2.HelloReply)
        self.echo = method(channel, "unary_unary", TEST + "Echo", test_pb2.EchoRequest, test_pb2.EchoReply)
        self.server_stream = method(channel, "unary_stream", TEST + "ServerStream", test_pb2.StreamRequest, test_pb2.StreamItem)
        self.client_stream_sum = method(channel, "stream_unary", TEST + "ClientStreamSum", test_pb2.SumRequest, test_pb2.SumReply)
        self.bidi_echo = method(channel, "stream_stream", TEST + "BidiEcho", test_pb2.EchoRequest, test_pb2.EchoReply)
        self.missing = method(channel, "unary_unary", TEST + "NoSuchMethod", test_pb2.SumRequest, test_pb2.SumReply)
        self.health_check = method(channel, "unary_unary", "/grpc.health.v1.Health/Check", health_pb2.HealthCheckRequest, health_pb2.HealthCheckResponse)


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def expect_status(fn, code, detail=None):
    try:
        fn()
    except grpc.RpcError as e:
        check(e.code() == code, "expected %s, got %s (%s)" % (code, e.code(), e.details()))
        check(detail is None or e.details() == detail, "expected detail %r, got %r" % (detail, e.details()))
        return
    raise AssertionError("expected %s, the call succeeded" % code)


def case_unary(s):
    reply = s.say_hello(hello_pb2.HelloRequest(name="python"), timeout=BOUND)
    check(reply.message.startswith("Hello python from "), "reply %r" % reply.message)
    return reply.message[len("Hello python from "):]


def case_echo(s):
    payload = bytes(range(256))
    check(s.echo(test_pb2.EchoRequest(payload=payload), timeout=BOUND).payload == payload, "payload differs")


def case_server_stream(s):
    got = [m.index for m in s.server_stream(test_pb2.StreamRequest(count=5, payload_size=10), timeout=BOUND)]
    check(got == [0, 1, 2, 3, 4], "indices %r" % got)


def case_client_stream(s):
    reply = s.client_stream_sum(iter([test_pb2.SumRequest(value=i) for i in range(1, 11)]), timeout=BOUND)
    check(reply.sum == 55 and reply.count == 10, "sum %d count %d" % (reply.sum, reply.count))


def case_bidi(s):
    got = [r.payload for r in s.bidi_echo(iter([test_pb2.EchoRequest(payload=p) for p in (b"a", b"bb", b"ccc")]), timeout=BOUND)]
    check(got == [b"a", b"bb", b"ccc"], "replies %r" % got)


def case_metadata(s):
    md = (("x-echo-text", "hello-metadata"), ("x-echo-data-bin", BYTES))
    _, call = s.echo.with_call(test_pb2.EchoRequest(payload=b"m"), metadata=md, timeout=BOUND)
    for where, got in (("headers", call.initial_metadata()), ("trailers", call.trailing_metadata())):
        d = dict(got)
        check(d.get("x-echo-text") == "hello-metadata", "%s: %r" % (where, got))
        check(d.get("x-echo-data-bin") == BYTES, "%s: %r" % (where, got))


def case_error_non_ascii(s):
    fail = test_pb2.RequestedStatus(code=grpc.StatusCode.FAILED_PRECONDITION.value[0], message=NON_ASCII)
    expect_status(lambda: s.echo(test_pb2.EchoRequest(fail_with=fail), timeout=BOUND), grpc.StatusCode.FAILED_PRECONDITION, NON_ASCII)


def case_deadline(s):
    expect_status(lambda: s.echo(test_pb2.EchoRequest(delay_ms=5000), timeout=0.2), grpc.StatusCode.DEADLINE_EXCEEDED)


def case_cancel(s):
    call = s.server_stream(test_pb2.StreamRequest(count=100000, interval_ms=50), timeout=BOUND)
    next(call)
    call.cancel()
    check(call.code() == grpc.StatusCode.CANCELLED, "status after cancel %s" % call.code())


def case_large(s):
    reply = s.echo(test_pb2.EchoRequest(payload=b"\x07" * FOUR_MIB), timeout=BOUND)
    check(len(reply.payload) == FOUR_MIB, "reply of %d bytes" % len(reply.payload))


def case_gzip(s):
    payload = b"a" * 100000
    reply, call = s.echo.with_call(test_pb2.EchoRequest(payload=payload), timeout=BOUND, compression=grpc.Compression.Gzip)
    check(reply.payload == payload, "payload differs")
    seen = dict(call.initial_metadata()).get("x-request-grpc-encoding")
    return "request-encoding=%s" % seen if seen else ""


def case_unimplemented(s):
    expect_status(lambda: s.missing(test_pb2.SumRequest(), timeout=BOUND), grpc.StatusCode.UNIMPLEMENTED)


def case_health(s):
    status = s.health_check(health_pb2.HealthCheckRequest(service=""), timeout=BOUND).status
    check(status == health_pb2.HealthCheckResponse.SERVING, "status %d" % status)


CASES = {name[len("case_"):]: fn for name, fn in sorted(globals().items()) if name.startswith("case_")}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True)
    parser.add_argument("--cases", default=",".join(CASES))
    args = parser.parse_args()
    unknown = [c for c in args.cases.split(",") if c not in CASES]
    if unknown:
        sys.stderr.write("unknown case(s) %s; known: %s\n" % (", ".join(unknown), ", ".join(CASES)))
        return 2
    options = [("grpc.max_receive_message_length", 64 * 1024 * 1024), ("grpc.max_send_message_length", 64 * 1024 * 1024)]
    failed = 0
    with grpc.insecure_channel(args.target, options=options) as channel:
        stubs = Stubs(channel)
        for name in args.cases.split(","):
            try:
                detail = CASES[name](stubs)
                print("PASS %s%s" % (name, " " + detail if detail else ""), flush=True)
            except Exception as e:  # one line per case, whatever went wrong
                failed += 1
                print("FAIL %s: %s" % (name, str(e).replace("\n", " ")), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
