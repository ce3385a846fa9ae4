// The interop cases of client.js; each resolves with an optional detail or rejects saying what was wrong.
'use strict';
const grpcStatus = require('@grpc/grpc-js').status;

const TEXT = 'hello-metadata';
const BYTES = Buffer.from([0, 1, 2, 127, 128, 254, 255]);
const NON_ASCII = 'Ünïcødé ✓ 错误 100% \u{1F600}';
const FOUR_MIB = 4 * 1024 * 1024;

function check(cond, what) { if (!cond) throw new Error(what); }
function deadline(ms) { return new Date(Date.now() + ms); }

function unary(client, method, req, options = {}, metadata) {
  return new Promise((resolve, reject) => {
    const md = metadata || new (require('@grpc/grpc-js').Metadata)();
    let headers = null;
    const call = client[method](req, md, options, (err, res) => {
      if (err) { err.headers = headers; reject(err); } else resolve({ res, headers, call });
    });
    call.on('metadata', (m) => { headers = m; });
    call.on('status', (s) => { call.trailers = s.metadata; });
  });
}

function expectStatus(promise, code, detail) {
  return promise.then(
    () => { throw new Error(`expected status ${code}, the call succeeded`); },
    (err) => {
      if (err.code !== code) throw new Error(`expected status ${code}, got ${err.code} (${err.details})`);
      if (detail !== undefined && err.details !== detail) throw new Error(`expected detail ${JSON.stringify(detail)}, got ${JSON.stringify(err.details)}`);
      return err;
    });
}

function sameBytes(a, b) { return Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0; }

module.exports = {
  async unary({ greeter }) {
    const { res } = await unary(greeter, 'SayHello', { name: 'grpc-js' });
    check(res.message.startsWith('Hello grpc-js from '), `unexpected reply '${res.message}'`);
    return res.message.slice('Hello grpc-js from '.length);
  },
  async echo({ test }) {
    const payload = Buffer.from([...Array(256).keys()]);
    const { res } = await unary(test, 'Echo', { payload });
    check(sameBytes(res.payload, payload), 'payload differs');
  },
  async server_stream({ test }) {
    const call = test.ServerStream({ count: 5, payloadSize: 10 });
    const seen = [];
    await new Promise((resolve, reject) => {
      call.on('data', (m) => seen.push(m.index));
      call.on('end', resolve);
      call.on('error', reject);
    });
    check(seen.join(',') === '0,1,2,3,4', `indices ${seen.join(',')}`);
  },
  async client_stream({ test }) {
    const res = await new Promise((resolve, reject) => {
      const call = test.ClientStreamSum((err, r) => (err ? reject(err) : resolve(r)));
      for (let i = 1; i <= 10; i++) call.write({ value: i });
      call.end();
    });
    check(res.sum === 55 && res.count === 10, `sum ${res.sum} count ${res.count}`);
  },
  async bidi({ test }) {
    const call = test.BidiEcho();
    const got = [];
    const done = new Promise((resolve, reject) => {
      call.on('data', (m) => got.push(Buffer.from(m.payload).toString()));
      call.on('end', resolve);
      call.on('error', reject);
    });
    for (const s of ['a', 'bb', 'ccc']) call.write({ payload: Buffer.from(s) });
    call.end();
    await done;
    check(got.join(',') === 'a,bb,ccc', `replies ${got.join(',')}`);
  },
  async metadata({ test, grpc }) {
    const md = new grpc.Metadata();
    md.add('x-echo-text', TEXT);
    md.add('x-echo-data-bin', BYTES);
    const { headers, call } = await unary(test, 'Echo', { payload: Buffer.from('m') }, {}, md);
    await new Promise((r) => setImmediate(r));
    for (const [where, m] of [['headers', headers], ['trailers', call.trailers]]) {
      check(m, `no ${where}`);
      check(m.get('x-echo-text')[0] === TEXT, `${where}: x-echo-text is ${m.get('x-echo-text')}`);
      const bin = m.get('x-echo-data-bin')[0];
      check(bin && sameBytes(bin, BYTES), `${where}: x-echo-data-bin is ${bin && Buffer.from(bin).toString('hex')}`);
    }
  },
  async error_non_ascii({ test }) {
    await expectStatus(unary(test, 'Echo', { failWith: { code: grpcStatus.FAILED_PRECONDITION, message: NON_ASCII } }), grpcStatus.FAILED_PRECONDITION, NON_ASCII);
  },
  async deadline({ test }) {
    await expectStatus(unary(test, 'Echo', { delayMs: 5000 }, { deadline: deadline(200) }), grpcStatus.DEADLINE_EXCEEDED);
  },
  async cancel({ test }) {
    const call = test.ServerStream({ count: 100000, intervalMs: 50 });
    await new Promise((resolve, reject) => {
      call.once('data', () => { call.cancel(); resolve(); });
      call.on('error', (e) => { if (e.code !== grpcStatus.CANCELLED) reject(e); });
    });
  },
  async large({ test }) {
    const payload = Buffer.alloc(FOUR_MIB, 7);
    const { res } = await unary(test, 'Echo', { payload });
    check(res.payload.length === FOUR_MIB && res.payload[FOUR_MIB - 1] === 7, `reply of ${res.payload.length} bytes`);
  },
  async gzip({ testGzip }) {
    const payload = Buffer.alloc(100 * 1024, 'a');
    const { res, headers } = await unary(testGzip, 'Echo', { payload });
    check(sameBytes(res.payload, payload), 'payload differs');
    const seen = headers && headers.get('x-request-grpc-encoding')[0];
    return seen ? `request-encoding=${seen}` : '';
  },
  async unimplemented({ generic }) {
    await expectStatus(new Promise((resolve, reject) => {
      generic.makeUnaryRequest('/actorchannel.testing.TestService/NoSuchMethod', (x) => x, (x) => x, Buffer.alloc(0), (err, r) => (err ? reject(err) : resolve(r)));
    }), grpcStatus.UNIMPLEMENTED);
  },
  async health({ health }) {
    const { res } = await unary(health, 'Check', { service: '' });
    check(res.status === 'SERVING', `status ${res.status}`);
  },
};
