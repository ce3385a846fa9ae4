// grpc-js interop server: helloworld.Greeter, actorchannel.testing.TestService and grpc.health.v1.Health.
// Prints "LISTENING <port>" once bound, "CANCELLED <path>" for each call the client cancelled.
// Usage: node server.js [--port 0] [--name grpc-js]
'use strict';
const { load, parseArgs, echoMetadata } = require('./protos');
const { grpc, Greeter, TestService, Health } = load();

const args = parseArgs(process.argv.slice(2), { port: '0', name: 'grpc-js' });
const SERVER_NAME = 'grpc-js/' + args.name;
const status = grpc.status;

// Prints CANCELLED when the client cancels a call the handler has not finished (grpc-js emits
// 'cancelled' also when a finished call's stream closes, and when the deadline passes).
function watchCancel(call, path) {
  call.on('cancelled', () => {
    if (call.finishedByHandler) return;
    const deadline = call.getDeadline && call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
    if (isFinite(at) && at <= Date.now()) return;
    console.log(`CANCELLED ${path}`);
  });
}

function finish(call) { call.finishedByHandler = true; }

function sleep(ms, call) {
  return new Promise((resolve) => {
    if (!ms) return resolve(true);
    const t = setTimeout(() => resolve(true), ms);
    call.on('cancelled', () => { clearTimeout(t); resolve(false); });
  });
}

function statusError(fail, metadata) {
  return { code: fail.code, details: fail.message, metadata };
}

async function reply(req, call) {
  if (!(await sleep(req.delayMs, call))) return null;
  if (req.failWith && req.failWith.code) return { error: req.failWith };
  const payload = req.responseSize > 0 ? Buffer.alloc(req.responseSize) : req.payload;
  return { reply: { payload, server: SERVER_NAME } };
}

const testService = {
  async Echo(call, callback) {
    watchCancel(call, '/actorchannel.testing.TestService/Echo');
    const md = echoMetadata(call.metadata);
    call.sendMetadata(md);
    const r = await reply(call.request, call);
    if (!r) return;
    finish(call);
    if (r.error) return callback(statusError(r.error, md));
    callback(null, r.reply, md);
  },
  async ServerStream(call) {
    watchCancel(call, '/actorchannel.testing.TestService/ServerStream');
    const md = echoMetadata(call.metadata);
    call.sendMetadata(md);
    const req = call.request;
    for (let i = 0; i < req.count; i++) {
      if (i > 0 && !(await sleep(req.intervalMs, call))) return;
      if (call.cancelled) return;
      call.write({ index: i, payload: Buffer.alloc(req.payloadSize > 0 ? req.payloadSize : 0) });
    }
    finish(call);
    call.end(md);
  },
  ClientStreamSum(call, callback) {
    watchCancel(call, '/actorchannel.testing.TestService/ClientStreamSum');
    const md = echoMetadata(call.metadata);
    call.sendMetadata(md);
    let sum = 0;
    let count = 0;
    call.on('data', (m) => { sum += m.value; count++; });
    call.on('end', () => { finish(call); callback(null, { sum, count }, md); });
  },
  BidiEcho(call) {
    watchCancel(call, '/actorchannel.testing.TestService/BidiEcho');
    const md = echoMetadata(call.metadata);
    call.sendMetadata(md);
    let chain = Promise.resolve();
    let failed = false;
    call.on('data', (req) => {
      chain = chain.then(async () => {
        if (failed) return;
        const r = await reply(req, call);
        if (!r) return;
        if (r.error) { failed = true; finish(call); call.emit('error', statusError(r.error, md)); return; }
        call.write(r.reply);
      });
    });
    call.on('end', () => chain.then(() => { if (!failed) { finish(call); call.end(md); } }));
  },
};

const healthy = new Set(['', 'helloworld.Greeter', 'actorchannel.testing.TestService']);
const health = {
  Check(call, callback) {
    if (!healthy.has(call.request.service)) return callback({ code: status.NOT_FOUND, details: 'unknown service' });
    callback(null, { status: 'SERVING' });
  },
  Watch(call) {
    call.write({ status: healthy.has(call.request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
  },
};

const server = new grpc.Server({
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
  'grpc.default_compression_algorithm': 2, // gzip, when the client accepts it
});
server.addService(Greeter.service, {
  SayHello(call, callback) { callback(null, { message: `Hello ${call.request.name} from ${args.name}` }); },
});
server.addService(TestService.service, testService);
server.addService(Health.service, health);
server.bindAsync(`127.0.0.1:${args.port}`, grpc.ServerCredentials.createInsecure(), (err, port) => {
  if (err) { console.error(`cannot bind 127.0.0.1:${args.port}: ${err.message}`); process.exit(2); }
  console.log(`LISTENING ${port}`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => server.tryShutdown(() => process.exit(0)));
