// Loads the project's .proto files (src/Host/Protos) with @grpc/proto-loader, shared by the grpc-js peers.
'use strict';
const path = require('path');
const grpc = require('@grpc/grpc-js');
const loader = require('@grpc/proto-loader');

const PROTO_DIR = process.env.PROTO_DIR || path.resolve(__dirname, '..', '..', 'src', 'Host', 'Protos');

function load() {
  const definition = loader.loadSync(['helloworld.proto', 'test_service.proto', 'health.proto'], {
    includeDirs: [PROTO_DIR],
    longs: Number,
    enums: String,
    defaults: true,
  });
  const pkg = grpc.loadPackageDefinition(definition);
  return {
    grpc,
    Greeter: pkg.helloworld.Greeter,
    TestService: pkg.actorchannel.testing.TestService,
    Health: pkg.grpc.health.v1.Health,
  };
}

// "--port 5000 --name x" -> { port: '5000', name: 'x' }
function parseArgs(argv, defaults) {
  const out = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument '${argv[i]}'`);
    const key = argv[i].slice(2);
    if (!(key in defaults)) throw new Error(`unknown option --${key}; known: ${Object.keys(defaults).join(', ')}`);
    if (i + 1 >= argv.length) throw new Error(`option --${key} needs a value`);
    out[key] = argv[++i];
  }
  return out;
}

const ECHO_PREFIX = 'x-echo-';

// Request metadata "x-echo-*" (text and -bin), to send back in headers and trailers.
function echoMetadata(requestMetadata) {
  const md = new grpc.Metadata();
  for (const [key, values] of Object.entries(requestMetadata.getMap())) {
    if (!key.startsWith(ECHO_PREFIX)) continue;
    for (const v of requestMetadata.get(key)) md.add(key, v);
  }
  return md;
}

module.exports = { load, parseArgs, echoMetadata, PROTO_DIR };
