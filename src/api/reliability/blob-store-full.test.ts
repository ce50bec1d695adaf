/**
 * The filesystem blob store on a real, small filesystem (a 2 MiB tmpfs) that an artifact does not fit
 * in: the upload fails the job with the reason (ENOSPC, the blob store is full) in its failure, nothing
 * partial is left in the store, and the server goes on serving, storing artifacts that do fit.
 * Mounting needs privileges (CI runs as root); without them the test is skipped and says why, unless
 * SLIPWAY_REQUIRE_SERVICES=1 asks for every environment-dependent test to run.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { runPipeline } from '../test-support/run-pipeline.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { requireServices } from './private-services.js';

const run = promisify(execFile);
const sizeBytes = 2 * 1024 * 1024;

/** A fresh tmpfs of `sizeBytes` at a new directory, or why one cannot be made here. */
async function mountSmallFilesystem(): Promise<{ dir: string; unmount(): Promise<void> } | { reason: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-blob-full-'));
  try {
    await run('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'tmpfs', dir], { timeout: 10_000 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    return { reason: `cannot mount a ${sizeBytes}-byte tmpfs (needs root or CAP_SYS_ADMIN): ${String((error as Error).message).trim()}` };
  }
  return {
    dir,
    unmount: async () => {
      await run('umount', [dir], { timeout: 10_000 }).catch(() => run('umount', ['-l', dir]));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function listFiles(dir: string): Promise<{ path: string; size: number }[]> {
  const files: { path: string; size: number }[] = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files.push({ path, size: (await stat(path)).size });
  }
  return files;
}

const mounted = await mountSmallFilesystem();
if ('reason' in mounted && requireServices) throw new Error(`${mounted.reason}, and SLIPWAY_REQUIRE_SERVICES=1 requires it`);
const small = 'dir' in mounted ? mounted : undefined;

/** A job that writes `bytes` of random data and keeps it as an artifact. */
const artifactPipeline = (name: string, bytes: number) =>
  `name: ${name}\nstages:\n  - name: build\n    artifacts: { paths: [out.bin] }\n    steps:\n      - run: head -c ${bytes} /dev/urandom > out.bin\n`;

describePglite(`the blob store on a full disk${small ? '' : ` (skipped: ${'reason' in mounted ? mounted.reason : ''})`}`, (harness) => {
  let platform: TestPlatform | undefined;
  let agentDir: string;

  beforeAll(async () => {
    if (!small) return;
    agentDir = await mkdtemp(join(tmpdir(), 'slipway-blob-full-agent-'));
    platform = await startTestPlatform(harness.db, {
      blobStore: createFsBlobStore({ root: small.dir }),
      agent: { name: 'blob-full', capacity: 1, workDir: agentDir },
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await small?.unmount();
    if (agentDir) await rm(agentDir, { recursive: true, force: true });
  });

  it.skipIf(!small)('fails the job that does not fit with ENOSPC explained, stores nothing partial, and keeps serving (2 too-large uploads)', { timeout: 90_000 }, async () => {
    const url = platform!.url;
    const outcomes: string[] = [];
    const fits = await runPipeline(url, { project: 'reliability/blob-full', ref: 'main', pipeline: artifactPipeline('fits', 200_000) });
    expect(fits.run.status).toBe('succeeded');
    const before = await listFiles(small!.dir);

    // Bigger than the whole filesystem, then bigger than what is left of it.
    for (const bytes of [3 * 1024 * 1024, sizeBytes - 100_000]) {
      const tooLarge = await runPipeline(url, { project: 'reliability/blob-full', ref: 'main', pipeline: artifactPipeline(`too-large-${bytes}`, bytes) }, 60_000);
      const job = tooLarge.run.jobs[0]!;
      expect(tooLarge.run.status).toBe('failed');
      expect(job.failure?.message).toMatch(/artifacts: the upload failed: the blob store at .* is full \(ENOSPC: no space left on the device\)/);
      // Nothing of the failed uploads is left: the store holds what it held before, byte for byte.
      expect(await listFiles(small!.dir)).toEqual(before);
      outcomes.push(`${bytes} bytes: ${job.status} after ${job.attempt} attempt(s): ${job.failure?.message}`);

      // The server serves on, and an artifact that fits is stored.
      expect((await fetch(`${url}/api/v1/runs`)).status).toBe(200);
      const after = await runPipeline(url, { project: 'reliability/blob-full', ref: 'main', pipeline: artifactPipeline(`fits-after-${bytes}`, 50_000) });
      expect(after.run.status).toBe('succeeded');
      const artifacts = (await (await fetch(`${url}/api/v1/runs/${after.runId}/artifacts`)).json()) as { artifacts: unknown[] };
      expect(artifacts.artifacts).toHaveLength(1);
      before.splice(0, before.length, ...(await listFiles(small!.dir)));
    }
    console.log(`blob store on a ${sizeBytes}-byte tmpfs: ${outcomes.join('; ')}`);
  });
});
