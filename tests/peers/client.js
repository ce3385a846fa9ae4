// grpc-js interop client: runs the interop cases against --target and prints one line per case,
// "PASS <case>[ detail]" or "FAIL <case>: <why>". Exits 1 if any case failed, 2 on bad arguments.
// Usage: node client.js --target 127.0.0.1:5000 [--cases unary,echo,...] [--ca cert.pem --authority name]
'use strict';
const fs = require('fs');
const { load, parseArgs } = require('./protos');
const { grpc, Greeter, TestService, Health } = load();
const cases = require('./client_cases');

let args;
try {
  args = parseArgs(process.argv.slice(2), { target: '', cases: Object.keys(cases).join(','), ca: '', authority: '' });
  if (!args.target) throw new Error('--target is required');
  for (const c of args.cases.split(',')) if (!(c in cases)) throw new Error(`unknown case '${c}'; known: ${Object.keys(cases).join(', ')}`);
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

const credentials = args.ca ? grpc.credentials.createSsl(fs.readFileSync(args.ca)) : grpc.credentials.createInsecure();
const options = {
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.max_send_message_length': 64 * 1024 * 1024,
};
if (args.authority) {
  options['grpc.ssl_target_name_override'] = args.authority;
  options['grpc.default_authority'] = args.authority;
}
const gzipOptions = { ...options, 'grpc.default_compression_algorithm': 2 };
const clients = {
  grpc,
  greeter: new Greeter(args.target, credentials, options),
  test: new TestService(args.target, credentials, options),
  testGzip: new TestService(args.target, credentials, gzipOptions),
  health: new Health(args.target, credentials, options),
  generic: new grpc.Client(args.target, credentials, options),
};

(async () => {
  let failed = 0;
  for (const name of args.cases.split(',')) {
    try {
      const detail = await cases[name](clients);
      console.log(`PASS ${name}${detail ? ' ' + detail : ''}`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e && e.message ? e.message.replace(/\n/g, ' ') : e}`);
    }
  }
  for (const c of Object.values(clients)) if (c && c.close) c.close();
  process.exit(failed ? 1 : 0);
})();
