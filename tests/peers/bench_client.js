// grpc-js closed-loop unary benchmark: C callers each await SayHello before the next, for S seconds after a
// warm-up; prints one JSON line {client, concurrency, calls, qps, p50_us, p99_us, errors}. Used beside the
// project's own transport in docs/benchmarks.md. Usage: node bench_client.js --target 127.0.0.1:5000 --concurrency 16 --seconds 10
'use strict';
const { load, parseArgs } = require('./protos');
const { grpc, Greeter } = load();

let args;
try {
  args = parseArgs(process.argv.slice(2), { target: '', concurrency: '1', seconds: '10', warmup: '3' });
  if (!args.target) throw new Error('--target is required');
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

const client = new Greeter(args.target, grpc.credentials.createInsecure());
const concurrency = Number(args.concurrency);
const sayHello = () => new Promise((resolve, reject) =>
  client.sayHello({ name: 'bench' }, (err, reply) => (err ? reject(err) : resolve(reply))));

async function run(seconds, record) {
  const until = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const latencies = [];
  let errors = 0;
  const caller = async () => {
    while (process.hrtime.bigint() < until) {
      const start = process.hrtime.bigint();
      try {
        await sayHello();
        if (record) latencies.push(Number(process.hrtime.bigint() - start) / 1000);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  return { latencies, errors };
}

(async () => {
  await run(Number(args.warmup), false);
  const { latencies, errors } = await run(Number(args.seconds), true);
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]) : 0);
  console.log(JSON.stringify({
    client: 'grpc-js ' + require('@grpc/grpc-js/package.json').version,
    concurrency, calls: latencies.length, qps: Math.round(latencies.length / Number(args.seconds)),
    p50_us: at(0.5), p99_us: at(0.99), errors,
  }));
  client.close();
})();
