import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { Diagnostic } from '../../pipeline/model.js';
import type { Policy } from './policy-model.js';
import { type PolicyWatcher, watchPolicyFile } from './watch-policy-file.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const policyText = (factor: number) => `name: hot\nrules:\n  - { metric: latency_p99, compare: { maxRatioTo: baseline, factor: ${factor} } }\n`;

/** Polls a condition with a deadline; fs.watch delivery time is up to the OS. */
async function waitFor(condition: () => boolean, what: string, deadlineMs = 10_000): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('hot-reloads valid edits, keeps the previous version on a bad edit, and follows rename-replace', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-watch-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'policy.yml');
  await writeFile(file, policyText(1.2));
  const changes: Policy[] = [];
  const errors: Diagnostic[][] = [];
  const watcher: PolicyWatcher = await watchPolicyFile(file, { onChange: (p) => changes.push(p), onError: (d) => errors.push(d), debounceMs: 20 });
  cleanup.push(() => watcher.close());
  expect(changes.map((p) => p.rules[0]!.compare)).toEqual([{ kind: 'max_ratio', track: 'baseline', factor: 1.2 }]);
  const first = watcher.current()!;

  await writeFile(file, policyText(1.5));
  await waitFor(() => changes.length === 2, 'the edited policy');
  expect(watcher.current()!.version).not.toBe(first.version);
  expect(watcher.current()!.rules[0]!.compare).toMatchObject({ factor: 1.5 });
  const second = watcher.current()!;

  await writeFile(file, policyText(1.5).replace('latency_p99', 'latency_p999'));
  await waitFor(() => errors.length > 0, 'the error report');
  expect(errors.at(-1)![0]).toMatchObject({ file, line: 3, message: expect.stringContaining("did you mean 'latency_p99'") });
  expect(watcher.current()).toBe(second);

  // Editors and config mounts replace the file by rename; the directory watch sees it.
  await writeFile(join(dir, 'policy.yml.tmp'), policyText(2));
  await rename(join(dir, 'policy.yml.tmp'), file);
  await waitFor(() => watcher.current()?.rules[0]?.compare.kind === 'max_ratio' && changes.length === 3, 'the replaced policy');
  expect(watcher.current()!.rules[0]!.compare).toMatchObject({ factor: 2 });

  // A write that changes nothing the policy means (a comment) is not a new version.
  await writeFile(file, `# tuned\n${policyText(2)}`);
  await watcher.reload();
  expect(changes).toHaveLength(3);
});

it('starts without a policy when the file is invalid, and reports why', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'slipway-watch-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const errors: Diagnostic[][] = [];
  const watcher = await watchPolicyFile(join(dir, 'missing.yml'), { onChange: () => {}, onError: (d) => errors.push(d) });
  cleanup.push(() => watcher.close());
  expect(watcher.current()).toBeUndefined();
  expect(errors[0]![0]!.message).toContain('policy file not found');
});
