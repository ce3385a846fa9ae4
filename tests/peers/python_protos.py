"""Compiles src/Host/Protos with Debian's python3-grpc-tools into a temporary folder and imports the messages.

Only messages are generated; the peers wire services up with grpc's generic method handlers.
"""
import atexit
import importlib
import os
import shutil
import sys
import tempfile

PROTO_DIR = os.environ.get("PROTO_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "Host", "Protos"))
FILES = ["helloworld.proto", "test_service.proto", "health.proto"]


def load():
    from grpc_tools import protoc  # python3-grpc-tools

    out = tempfile.mkdtemp(prefix="actorchannel-pb2-")
    atexit.register(shutil.rmtree, out, True)
    args = ["protoc", "-I" + PROTO_DIR, "--python_out=" + out] + [os.path.join(PROTO_DIR, f) for f in FILES]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed on " + PROTO_DIR)
    sys.path.insert(0, out)
    return (importlib.import_module("helloworld_pb2"),
            importlib.import_module("test_service_pb2"),
            importlib.import_module("health_pb2"))
