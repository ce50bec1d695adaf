/**
 * Outbound calls to a peer that accepts connections and never answers (a loopback port that holds
 * every socket open): the worst kind of dead, since nothing fails fast. None may hold up what does not
 * depend on it, and each must fail within its own bound, saying why.
 * - notification webhooks: runs finish as fast with a dead webhook configured as without one;
 * - S3: a blob upload fails (after the SDK's retries) within the configured idle timeout, unavailable;
 * - git: resolving a ref of a remote that never answers fails within the timeout, unavailable.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3BlobStore } from '../../blobs/s3/blob-store.js';
import { guardBlobStore } from '../../blobs/guard-blob-store.js';
import { createOutboundGuard } from '../../outbound/guard-outbound.js';
import { systemClock } from '../../clock/clock.js';
import { isAppError } from '../../errors/app-error.js';
import { createNotifier, type Notifier } from '../../notify/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { resolveRef } from '../../triggers/index.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { waitFor } from '../test-support/wait-for.js';

interface SilentPort {
  port: number;
  /** Connections accepted so far. */
  accepted(): number;
  close(): Promise<void>;
}

/** Accepts every connection and never writes a byte. */
async function startSilentPort(): Promise<SilentPort> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : 0,
    accepted: () => accepted,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs per configuration, alternating, so load on the machine hits both alike. */
const runsEach = 4;
/** What a dead webhook may add to a run's median duration: far below the notifier's 5 s request timeout. */
const slowdownBoundMs = 1000;

describePglite('a notification webhook that never answers', (harness) => {
  let platform: TestPlatform | undefined;
  let notifier: Notifier | undefined;
  let silent: SilentPort | undefined;
  let workDir: string;

  beforeAll(async () => {
    workDir = await mkdtemp(join(tmpdir(), 'slipway-dead-webhook-'));
    platform = await startTestPlatform(harness.db, {
      agent: { name: 'dead-webhook', capacity: 1, workDir },
      notifications: { db: harness.db, clock: systemClock, readBreaker: (id) => notifier?.readBreaker(id) },
    });
    silent = await startSilentPort();
    notifier = createNotifier({
      db: harness.db,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      baseUrl: platform.url,
      pollIntervalMs: 100,
      // The default request timeout (5 s): a run waiting on a delivery would show it plainly.
      backoff: { baseMs: 100, maxMs: 400 },
    });
    await notifier.start();
  });
  afterAll(async () => {
    await notifier?.stop();
    await platform?.stop();
    await silent?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  it(`never slows a run: median run duration with it within ${slowdownBoundMs} ms of without (${runsEach} runs each)`, { timeout: 60_000 }, async () => {
    const url = platform!.url;
    const maintainer = { 'x-slipway-actor': 'mia', 'x-slipway-role': 'maintainer', 'content-type': 'application/json' };
    const setWebhook = async (projects: string[]) => {
      const answer = await fetch(`${url}/api/v1/notifications/webhooks/dead`, {
        method: 'PUT',
        headers: maintainer,
        body: JSON.stringify({ url: `http://127.0.0.1:${silent!.port}/hooks/dead`, events: ['run.failed'], projects }),
      });
      expect(answer.status, await answer.clone().text()).toBeLessThan(300);
    };
    // Only the `with` project's failed runs are delivered to the dead endpoint.
    await setWebhook(['reliability-dead-with']);
    const pipeline = 'name: failing\nstages:\n  - name: test\n    steps:\n      - run: "echo broken; exit 3"\n      - run: "true"\n';
    const timeRun = async (project: string): Promise<number> => {
      const startedAt = Date.now();
      const posted = await fetch(`${url}/api/v1/runs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ project, ref: 'main', pipeline }),
      });
      expect(posted.status).toBe(201);
      const { runId } = (await posted.json()) as { runId: number };
      await waitFor(`run ${runId} to finish`, async () => {
        const run = (await (await fetch(`${url}/api/v1/runs/${runId}`)).json()) as { status: string };
        return ['succeeded', 'failed', 'canceled'].includes(run.status) ? true : undefined;
      });
      return Date.now() - startedAt;
    };
    const without: number[] = [];
    const withDead: number[] = [];
    for (let i = 0; i < runsEach; i++) {
      without.push(await timeRun('reliability-dead-without'));
      withDead.push(await timeRun('reliability-dead-with'));
    }
    // The notifier did try the dead endpoint while those runs went by: the comparison means something.
    await waitFor('the notifier to reach the dead endpoint', async () => (silent!.accepted() > 0 ? true : undefined), 15_000);
    const apiStartedAt = Date.now();
    const health = await fetch(`${url}/api/v1/runs`);
    const apiMs = Date.now() - apiStartedAt;
    console.log(
      `dead webhook: run durations without ${JSON.stringify(without)} ms (median ${median(without)}), with ${JSON.stringify(withDead)} ms ` +
        `(median ${median(withDead)}); ${silent!.accepted()} connections to the dead endpoint; an API call meanwhile took ${apiMs} ms`,
    );
    expect(health.status).toBe(200);
    expect(median(withDead)).toBeLessThan(median(without) + slowdownBoundMs);
    expect(apiMs).toBeLessThan(1000);
  });
});

describe('S3 and git remotes that never answer', () => {
  let silent: SilentPort | undefined;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    silent = await startSilentPort();
    // Any credentials: the request must get as far as the network. Test infrastructure may set env.
    process.env['AWS_ACCESS_KEY_ID'] = 'test';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'test';
  });
  afterAll(async () => {
    process.env = savedEnv;
    await silent?.close();
  });

  it('an S3 upload fails within its idle timeout (3 attempts), as unavailable', { timeout: 30_000 }, async () => {
    const idleTimeoutMs = 500;
    const store = createS3BlobStore({
      bucket: 'never',
      endpoint: `http://127.0.0.1:${silent!.port}`,
      region: 'us-east-1',
      forcePathStyle: true,
      idleTimeoutMs,
    });
    const startedAt = Date.now();
    const error = await store.put(Readable.from([Buffer.from('an artifact that never gets stored')])).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    const tookMs = Date.now() - startedAt;
    console.log(`dead S3 endpoint: the upload failed after ${tookMs} ms with: ${String((error as Error | undefined)?.message)}`);
    expect(isAppError(error), String(error)).toBe(true);
    expect(error).toMatchObject({ code: 'unavailable' });
    // 3 attempts of one idle timeout each, plus the SDK's backoff between them (well under a second each).
    expect(tookMs).toBeLessThan(3 * idleTimeoutMs + 5000);
    expect(silent!.accepted()).toBeGreaterThanOrEqual(1);
  });

  it('behind its circuit breaker, a dead S3 endpoint fails the next upload at once, without connecting', { timeout: 30_000 }, async () => {
    const endpoint = `http://127.0.0.1:${silent!.port}`;
    const raw = createS3BlobStore({ bucket: 'never', endpoint, region: 'us-east-1', forcePathStyle: true, idleTimeoutMs: 300 });
    const store = guardBlobStore(raw, createOutboundGuard('the S3 blob store', systemClock, { failureThreshold: 1, coolDownMs: 60_000 }), `${endpoint}/never`);
    const upload = () => store.put(Readable.from([Buffer.from('bytes')])).then(() => undefined, (failure: unknown) => failure);
    expect(await upload()).toMatchObject({ code: 'unavailable' });
    const connectionsBefore = silent!.accepted();
    const startedAt = Date.now();
    const refused = await upload();
    expect(Date.now() - startedAt).toBeLessThan(100);
    expect(refused).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/the S3 blob store .* failed 1 times in a row: not tried again for 60 s \(circuit breaker\)/) });
    expect(silent!.accepted()).toBe(connectionsBefore);
  });

  it('resolving a ref of a git remote that never answers fails within the timeout, as unavailable', { timeout: 30_000 }, async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'slipway-dead-git-'));
    try {
      const startedAt = Date.now();
      const error = await resolveRef({ repoUrl: `http://127.0.0.1:${silent!.port}/repo.git`, ref: 'main', cacheDir, timeoutMs: 1500 }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      const tookMs = Date.now() - startedAt;
      console.log(`dead git remote: resolving a ref failed after ${tookMs} ms with: ${String((error as Error | undefined)?.message)}`);
      expect(isAppError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ code: 'unavailable' });
      expect((error as Error).message).toMatch(/took longer than 1500 ms/);
      expect(tookMs).toBeLessThan(5000);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
