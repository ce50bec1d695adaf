import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createFsBlobStore } from '../../blobs/index.js';
import { describePglite } from '../../test-support/test-store.js';
import { startTestAgent, startTestPlatform, type TestAgent, type TestPlatform, testAgentToken } from '../test-support/start-test-platform.js';
import { runPipeline as runPipelineOn } from '../test-support/run-pipeline.js';

const auth = { authorization: `Bearer ${testAgentToken}` };

describePglite('artifacts and caches through agents', (harness) => {
  let platform: TestPlatform | undefined;
  let agent: TestAgent | undefined;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-artifacts-e2e-'));
    platform = await startTestPlatform(harness.db, { blobStore: createFsBlobStore({ root: join(dir, 'blobs') }) });
    url = platform.url;
    agent = startTestAgent(url, { name: 'files', capacity: 2, workDir: join(dir, 'work') });
  });
  afterAll(async () => {
    await agent?.stop();
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const runPipeline = (project: string, ref: string, pipeline: string) => runPipelineOn(url, { project, ref, pipeline });

  it("hands a job's artifacts to the jobs that need it, at the paths they were uploaded from", { timeout: 30_000 }, async () => {
    const pipeline = `
name: files
stages:
  - name: build
    artifacts:
      paths: [dist]
      expire-in: 1h
    steps:
      - run: mkdir -p dist/sub && echo built-bytes > dist/app.txt && echo nested > dist/sub/n.txt && echo scratch > tmp.txt
  - name: test
    needs: [build]
    steps:
      - run: cat dist/app.txt dist/sub/n.txt && test ! -e tmp.txt
  - name: unrelated
    steps:
      - run: test ! -e dist
`;
    const { runId, run, logOf } = await runPipeline('acme/files', 'refs/heads/main', pipeline);
    expect(run.jobs.map((j) => [j.jobKey, j.status])).toEqual([
      ['build', 'succeeded'],
      ['test', 'succeeded'],
      ['unrelated', 'succeeded'],
    ]);
    expect(await logOf('build')).toMatch(/artifacts: uploaded 2 file\(s\) as build/);
    const testLog = await logOf('test');
    expect(testLog).toMatch(/artifacts: downloaded build from build \(2 file\(s\)/);
    expect(testLog).toContain('built-bytes');

    const listed = (await (await fetch(`${url}/api/v1/runs/${runId}/artifacts`)).json()) as {
      artifacts: { id: number; name: string; fileCount: number; expiresAt: string | null }[];
    };
    expect(listed.artifacts).toMatchObject([{ name: 'build', fileCount: 2 }]);
    expect(listed.artifacts[0]!.expiresAt).not.toBeNull();
    const archive = await fetch(`${url}/api/v1/runs/${runId}/artifacts/${listed.artifacts[0]!.id}/archive`);
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-type')).toBe('application/x-tar');
    expect(Buffer.from(await archive.arrayBuffer()).includes(Buffer.from('built-bytes'))).toBe(true);
  });

  it('keeps the artifacts of a failed job when artifacts:when says always or on_failure, and only then', { timeout: 30_000 }, async () => {
    const pipeline = `
name: reports
stages:
  - name: always
    artifacts: { paths: [report.json], when: always }
    steps:
      - run: echo '{"failed":1}' > report.json && exit 3
  - name: on-failure
    artifacts: { paths: [report.json], when: on_failure }
    steps:
      - run: echo '{"failed":2}' > report.json && exit 3
  - name: default
    artifacts: { paths: [report.json] }
    steps:
      - run: echo '{"failed":3}' > report.json && exit 3
  - name: passed-on-failure-only
    artifacts: { paths: [report.json], when: on_failure }
    steps:
      - run: echo '{"ok":true}' > report.json
`;
    const { runId, run, logOf } = await runPipeline('acme/reports', 'refs/heads/main', pipeline);
    expect(Object.fromEntries(run.jobs.map((j) => [j.jobKey, j.status]))).toEqual({
      always: 'failed',
      'on-failure': 'failed',
      default: 'failed',
      'passed-on-failure-only': 'succeeded',
    });
    expect(await logOf('always')).toMatch(/artifacts: uploaded 1 file\(s\) as always/);
    const listed = (await (await fetch(`${url}/api/v1/runs/${runId}/artifacts`)).json()) as { artifacts: { name: string }[] };
    expect(listed.artifacts.map((a) => a.name).sort()).toEqual(['always', 'on-failure']);
  });

  it('saves a cache on a miss, restores it exactly next time, by restore-key prefix after the key changes, and explains misses', { timeout: 60_000 }, async () => {
    const pipeline = (version: string) => `
name: cached
stages:
  - name: deps
    env: { DEPS_VERSION: "${version}" }
    cache:
      key: deps-\${{ env.DEPS_VERSION }}
      paths: [.deps]
      restore-keys: [deps-]
    steps:
      - run: |
          if [ -f .deps/stamp ]; then echo "found $(cat .deps/stamp)"; else echo cold; fi
          mkdir -p .deps && echo ${version} > .deps/stamp
`;
    const first = await runPipeline('acme/cached', 'refs/heads/main', pipeline('v1'));
    expect(first.run.status).toBe('succeeded');
    const firstLog = await first.logOf('deps');
    expect(firstLog).toContain("cache: no cache 'deps-v1' on branch main");
    expect(firstLog).toContain('cold');
    expect(firstLog).toContain("cache: saved 1 file(s) as 'deps-v1'");

    const second = await first.logOf('deps').then(() => runPipeline('acme/cached', 'refs/heads/main', pipeline('v1')));
    const secondLog = await second.logOf('deps');
    expect(secondLog).toContain("cache: restored 'deps-v1' from branch main (exact key)");
    expect(secondLog).toContain('found v1');
    expect(secondLog).toContain("cache: 'deps-v1' was restored exactly; not saving it again");

    // A feature branch sees the default branch's caches; a new key falls back to the restore-key prefix.
    const third = await runPipeline('acme/cached', 'refs/heads/feature', pipeline('v2'));
    const thirdLog = await third.logOf('deps');
    expect(thirdLog).toContain("cache: no cache 'deps-v2' on branch feature");
    expect(thirdLog).toContain("cache: restored 'deps-v1' from default branch main (prefix 'deps-')");
    expect(thirdLog).toContain('found v1');
    expect(thirdLog).toContain("cache: saved 1 file(s) as 'deps-v2'");

    // The feature branch's entry stays on the feature branch.
    const onMain = await runPipeline('acme/cached', 'refs/heads/main', pipeline('v2'));
    const onMainLog = await onMain.logOf('deps');
    expect(onMainLog).toContain("cache: no cache 'deps-v2' on branch main");
    expect(onMainLog).toContain("restored 'deps-v1' from branch main (prefix 'deps-')");
  });

  it('fails a job whose cache key cannot be rendered, saying which expression', { timeout: 30_000 }, async () => {
    const pipeline = `
name: badkey
stages:
  - name: deps
    cache: { key: "deps-\${{ env.NOT_SET }}", paths: [x] }
    steps:
      - run: echo should-not-run
`;
    const { run, logOf } = await runPipeline('acme/badkey', 'refs/heads/main', pipeline);
    expect(run.status).toBe('failed');
    const log = await logOf('deps');
    expect(log).toContain('env.NOT_SET is not set');
    expect(log).not.toContain('should-not-run');
  });

  it('refuses artifact names that would escape their directory and blobs that are not digests', async () => {
    const evil = await fetch(`${url}/api/v1/jobs/1/artifacts/..%2Fevil?fencingToken=1&files=1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/x-tar' },
      body: 'x',
    });
    expect(evil.status).toBe(400);
    expect(await evil.json()).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringContaining('artifact name "../evil" is not allowed') } });
    const slash = await fetch(`${url}/api/v1/jobs/1/artifacts/a%3Ab?fencingToken=1&files=1`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/x-tar' },
      body: 'x',
    });
    expect(slash.status).toBe(400);
    const notDigest = await fetch(`${url}/api/v1/blobs/..%2F..%2Fetc%2Fpasswd`, { headers: auth });
    expect(notDigest.status).toBe(400);
    const noToken = await fetch(`${url}/api/v1/blobs/${'0'.repeat(64)}`);
    expect(noToken.status).toBe(401);
  });
});
