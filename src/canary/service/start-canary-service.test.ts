import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMemoryBus } from '../../bus/index.js';
import { systemClock } from '../../clock/clock.js';
import { describePglite } from '../../test-support/test-store.js';
import { DEFAULT_POLICY } from '../policy/default-policy.js';
import { startCanaryService } from './start-canary-service.js';

const policyFile = (name: string, windowSeconds: number) =>
  `apiVersion: slipway/v1\nname: ${name}\nwindowSeconds: ${windowSeconds}\nrules:\n  - { name: errors, metric: error_rate, compare: { max: 0.1 }, action: ROLLBACK }\n`;

async function pollUntil(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describePglite('startCanaryService policy sources', (h) => {
  let dir: string;
  const logger = pino({ level: 'silent' });
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-canary-policy-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hot-reloads the policy file for new rollouts; running rollouts keep the version they pinned', async () => {
    const file = join(dir, 'canary.yml');
    await writeFile(file, policyFile('first', 30));
    const bus = createMemoryBus({});
    const canary = await startCanaryService({ db: h.db, bus, clock: systemClock, logger, grpcPort: 0, policyFile: file });
    try {
      const first = canary.currentPolicy();
      expect(first.name).toBe('first');
      canary.engine.startRollout({ id: 'r-old' });
      await writeFile(file, policyFile('second', 20));
      await pollUntil('the edited policy', () => canary.currentPolicy().name === 'second');
      canary.engine.startRollout({ id: 'r-new' });
      expect(canary.engine.readRollout('r-old')?.policyVersion).toBe(first.version);
      expect(canary.engine.readRollout('r-new')?.policyVersion).toBe(canary.currentPolicy().version);
      // A broken edit keeps the last good version.
      await writeFile(file, 'name: [broken');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(canary.currentPolicy().name).toBe('second');
      // "Unless told otherwise": one rollout re-pinned through setPolicy({rolloutId}).
      const repinned = canary.setPolicy(policyFile('third', 10), { rolloutId: 'r-old' });
      expect(repinned.ok).toBe(true);
      expect(canary.engine.readRollout('r-old')?.policyVersion).toBe(repinned.ok ? repinned.policy.version : '');
      expect(canary.currentPolicy().name).toBe('second');
    } finally {
      await canary.close();
      await bus.close();
    }
  });

  it('refuses to start on an invalid policy file, and defaults to the built-in policy without one', async () => {
    const file = join(dir, 'bad.yml');
    await writeFile(file, 'apiVersion: slipway/v1\nname: bad\nrules: []\nwindowSeconds: -1\n');
    const bus = createMemoryBus({});
    try {
      await expect(startCanaryService({ db: h.db, bus, clock: systemClock, logger, grpcPort: 0, policyFile: file })).rejects.toThrow(/SLIPWAY_CANARY_POLICY=.*bad\.yml is not a valid policy/);
      const canary = await startCanaryService({ db: h.db, bus, clock: systemClock, logger, grpcPort: 0 });
      expect(canary.currentPolicy().version).toBe(DEFAULT_POLICY.version);
      await canary.close();
    } finally {
      await bus.close();
    }
  });
});
