// The canary engine as a process of its own, for engine-crash.test.ts: what `kill -9` does cannot be
// simulated in-process. Runs the compiled dist/ (built by vitest's global setup), so it is plain ESM.
// Environment: DATABASE_URL (migrated, schema in search_path), REDIS_URL, BUS_PREFIX, POLICY_FILE,
// ENGINE_CONSUMER, ENGINE_ACK_WAIT_MS. Prints `ready` once subscribed.
import { readFileSync } from 'node:fs';

const dist = new URL('../../../../dist/', import.meta.url);
const load = (path) => import(new URL(path, dist).href);

const [{ connectPostgres }, { createRedisBus }, { startCanaryService }, { parsePolicy }, { systemClock }] = await Promise.all([
  load('store/postgres/connect.js'),
  load('bus/redis/bus.js'),
  load('canary/service/start-canary-service.js'),
  load('canary/policy/parse-policy.js'),
  load('clock/clock.js'),
]);

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`engine-process: ${name} is not set`);
  return value;
};
const parsed = parsePolicy(readFileSync(env('POLICY_FILE'), 'utf8'), env('POLICY_FILE'));
if (!parsed.ok) throw new Error(`engine-process: invalid policy: ${JSON.stringify(parsed.diagnostics)}`);

const write = (level) => (object, message) => process.stderr.write(`${JSON.stringify({ level, message, ...object, err: object.err ? String(object.err) : undefined })}\n`);
const logger = { info: () => {}, warn: write('warn'), error: write('error') };

const db = await connectPostgres({ databaseUrl: env('DATABASE_URL'), maxConnections: 4 });
const bus = await createRedisBus({ url: env('REDIS_URL'), prefix: env('BUS_PREFIX') });
await startCanaryService({
  db,
  bus,
  clock: systemClock,
  logger,
  grpcPort: 0,
  policy: parsed.policy,
  engineConsumer: env('ENGINE_CONSUMER'),
  engineAckWaitMs: Number(env('ENGINE_ACK_WAIT_MS')),
});
process.stdout.write('ready\n');
