#!/usr/bin/python3
"""gRPC C-core (python3-grpcio) interop server: helloworld.Greeter, actorchannel.testing.TestService, grpc.health.v1.Health.

Prints "LISTENING <port>" once bound to 127.0.0.1, and "CANCELLED <path>" for each call the client cancelled.
Usage: /usr/bin/python3 python_server.py [--port 0] [--name python]
"""
import argparse
import signal
import sys
import threading
from concurrent import futures

import grpc

import python_protos

hello_pb2, test_pb2, health_pb2 = python_protos.load()
ECHO_PREFIX = "x-echo-"
TEST = "actorchannel.testing.TestService"


def say(line):
    print(line, flush=True)


def echo_metadata(context):
    return tuple((k, v) for k, v in context.invocation_metadata() if k.startswith(ECHO_PREFIX))


class Call:
    """Tracks one call: echoes x-echo-* metadata, and prints CANCELLED when the call ends before its handler did."""

    def __init__(self, context, path):
        self.context = context
        self.finished = False
        self.done = threading.Event()
        md = echo_metadata(context)
        context.send_initial_metadata(md)
        context.set_trailing_metadata(md)
        context.add_callback(self._terminated)
        self.path = path

    def _terminated(self):
        self.done.set()
        remaining = self.context.time_remaining()
        if not self.finished and (remaining is None or remaining > 0):
            say("CANCELLED " + self.path)

    def wait(self, ms):
        """Sleeps ms; False if the call ended meanwhile (cancelled or past its deadline)."""
        if ms > 0:
            self.done.wait(ms / 1000.0)
        return self.context.is_active()


def reply(request, call, server_name):
    if not call.wait(request.delay_ms):
        return None
    if request.fail_with.code:
        call.finished = True
        call.context.abort(grpc.StatusCode(_code(request.fail_with.code)), request.fail_with.message)
    payload = bytes(request.response_size) if request.response_size > 0 else request.payload
    return test_pb2.EchoReply(payload=payload, server=server_name)


def _code(number):
    for c in grpc.StatusCode:
        if c.value[0] == number:
            return c.value
    return grpc.StatusCode.UNKNOWN.value


class Services:
    def __init__(self, name):
        self.name = name
        self.server_name = "python/" + name

    def say_hello(self, request, context):
        return hello_pb2.HelloReply(message="Hello %s from %s" % (request.name, self.name))

    def echo(self, request, context):
        call = Call(context, "/%s/Echo" % TEST)
        try:
            r = reply(request, call, self.server_name)
            return r if r is not None else test_pb2.EchoReply()
        finally:
            call.finished = context.is_active()

    def server_stream(self, request, context):
        call = Call(context, "/%s/ServerStream" % TEST)
        for i in range(request.count):
            if i > 0 and not call.wait(request.interval_ms):
                return
            yield test_pb2.StreamItem(index=i, payload=bytes(max(0, request.payload_size)))
        call.finished = True

    def client_stream_sum(self, request_iterator, context):
        call = Call(context, "/%s/ClientStreamSum" % TEST)
        total = count = 0
        for r in request_iterator:
            total += r.value
            count += 1
        call.finished = True
        return test_pb2.SumReply(sum=total, count=count)

    def bidi_echo(self, request_iterator, context):
        call = Call(context, "/%s/BidiEcho" % TEST)
        for request in request_iterator:
            r = reply(request, call, self.server_name)
            if r is None:
                return
            yield r
        call.finished = True

    def health_check(self, request, context):
        if request.service not in ("", "helloworld.Greeter", TEST):
            context.abort(grpc.StatusCode.NOT_FOUND, "unknown service")
        return health_pb2.HealthCheckResponse(status=health_pb2.HealthCheckResponse.SERVING)

    def health_watch(self, request, context):
        known = request.service in ("", "helloworld.Greeter", TEST)
        yield health_pb2.HealthCheckResponse(
            status=health_pb2.HealthCheckResponse.SERVING if known else health_pb2.HealthCheckResponse.SERVICE_UNKNOWN)
        done = threading.Event()
        context.add_callback(done.set)
        done.wait()


def handlers(s):
    def ser(cls):
        return dict(request_deserializer=cls.FromString, response_serializer=lambda m: m.SerializeToString())

    return [
        grpc.method_handlers_generic_handler("helloworld.Greeter", {
            "SayHello": grpc.unary_unary_rpc_method_handler(s.say_hello, **ser(hello_pb2.HelloRequest)),
        }),
        grpc.method_handlers_generic_handler(TEST, {
            "Echo": grpc.unary_unary_rpc_method_handler(s.echo, **ser(test_pb2.EchoRequest)),
            "ServerStream": grpc.unary_stream_rpc_method_handler(s.server_stream, **ser(test_pb2.StreamRequest)),
            "ClientStreamSum": grpc.stream_unary_rpc_method_handler(s.client_stream_sum, **ser(test_pb2.SumRequest)),
            "BidiEcho": grpc.stream_stream_rpc_method_handler(s.bidi_echo, **ser(test_pb2.EchoRequest)),
        }),
        grpc.method_handlers_generic_handler("grpc.health.v1.Health", {
            "Check": grpc.unary_unary_rpc_method_handler(s.health_check, **ser(health_pb2.HealthCheckRequest)),
            "Watch": grpc.unary_stream_rpc_method_handler(s.health_watch, **ser(health_pb2.HealthCheckRequest)),
        }),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--name", default="python")
    args = parser.parse_args()
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=16),
        handlers=handlers(Services(args.name)),
        options=[("grpc.max_receive_message_length", 64 * 1024 * 1024),
                 ("grpc.max_send_message_length", 64 * 1024 * 1024)],
        compression=grpc.Compression.Gzip,
    )
    port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    if port == 0:
        sys.stderr.write("cannot bind 127.0.0.1:%d\n" % args.port)
        return 2
    server.start()
    say("LISTENING %d" % port)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop(grace=2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
