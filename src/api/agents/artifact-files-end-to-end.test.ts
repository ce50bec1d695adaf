import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePglite } from '../../test-support/test-store.js';
import { runPipeline } from '../test-support/run-pipeline.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';

/** One past the default inline cap (1 MiB): served as a download. */
const bigBytes = 1024 * 1024 + 1;

const pipeline = `
name: browse
stages:
  - name: report
    artifacts: { paths: [out] }
    steps:
      - run: |
          mkdir -p out/sub/deeper
          printf '{"requests": 3}\\n' > out/loadtest-report.json
          echo 'plain words' > out/notes.txt
          echo '<script>alert(1)</script>' > out/page.html
          printf '\\000\\001\\002' > out/blob.dat
          head -c ${bigBytes} /dev/zero | tr '\\0' 'x' > out/big.log
          echo nested > out/sub/deeper/n.txt
          ln -s notes.txt out/link
  - name: other
    artifacts: { paths: [x.txt] }
    steps:
      - run: echo other > x.txt
`;

describePglite('browsing the files of an artifact', (harness) => {
  let platform: TestPlatform | undefined;
  let dir: string;
  let base: string;
  let url: string;
  let runId: number;
  let otherArtifactId: number;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'slipway-artifact-files-'));
    platform = await startTestPlatform(harness.db, { agent: { name: 'files', capacity: 2, workDir: join(dir, 'work') } });
    url = platform.url;
    const finished = await runPipeline(url, { project: 'acme/browse', ref: 'refs/heads/main', pipeline }, 30_000);
    expect(finished.run.status).toBe('succeeded');
    runId = finished.runId;
    const { artifacts } = (await (await fetch(`${url}/api/v1/runs/${runId}/artifacts`)).json()) as { artifacts: { id: number; jobKey: string }[] };
    base = `${url}/api/v1/runs/${runId}/artifacts/${artifacts.find((a) => a.jobKey === 'report')!.id}`;
    otherArtifactId = artifacts.find((a) => a.jobKey === 'other')!.id;
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lists the files inside the archive with their sizes, symlinks with their targets', async () => {
    const response = await fetch(`${base}/files`);
    expect(response.status).toBe(200);
    const listing = (await response.json()) as { artifact: { name: string; fileCount: number }; files: unknown[]; truncated: boolean };
    expect(listing.artifact).toMatchObject({ name: 'report', fileCount: 7 });
    expect(listing.truncated).toBe(false);
    expect(listing.files).toEqual(
      expect.arrayContaining([
        { path: 'out/loadtest-report.json', type: 'file', size: 16 },
        { path: 'out/notes.txt', type: 'file', size: 12 },
        { path: 'out/blob.dat', type: 'file', size: 3 },
        { path: 'out/big.log', type: 'file', size: bigBytes },
        { path: 'out/sub/deeper/n.txt', type: 'file', size: 7 },
        { path: 'out/link', type: 'symlink', size: 0, target: 'notes.txt' },
      ]),
    );
    expect(listing.files).toHaveLength(7);
  });

  it('serves a file inline with a content type by its kind, never one a browser would run', async () => {
    const served = async (path: string) => {
      const response = await fetch(`${base}/files/${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      return { type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), body: Buffer.from(await response.arrayBuffer()) };
    };
    const json = await served('out/loadtest-report.json');
    expect(json).toMatchObject({ type: 'application/json; charset=utf-8', disposition: "inline; filename*=UTF-8''loadtest-report.json" });
    expect(JSON.parse(json.body.toString())).toEqual({ requests: 3 });
    expect(await served('out/notes.txt')).toMatchObject({ type: 'text/plain; charset=utf-8', body: Buffer.from('plain words\n') });
    expect(await served('out/page.html')).toMatchObject({ type: 'text/plain; charset=utf-8', body: Buffer.from('<script>alert(1)</script>\n') });
    expect(await served('out/blob.dat')).toMatchObject({ type: 'application/octet-stream', body: Buffer.from([0, 1, 2]) });
    expect((await served('out/sub/deeper/n.txt')).body.toString()).toBe('nested\n');
    const head = await fetch(`${base}/files/out/notes.txt`, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length'), head.headers.get('content-type')]).toEqual([200, '12', 'text/plain; charset=utf-8']);
  });

  it('serves a file larger than the inline cap, or one asked for with ?download=1, as a download', async () => {
    const big = await fetch(`${base}/files/out/big.log`);
    expect(big.status).toBe(200);
    expect([big.headers.get('content-type'), big.headers.get('content-length'), big.headers.get('content-disposition')]).toEqual([
      'application/octet-stream',
      String(bigBytes),
      "attachment; filename*=UTF-8''big.log",
    ]);
    const body = Buffer.from(await big.arrayBuffer());
    expect(body.length).toBe(bigBytes);
    expect(body.every((byte) => byte === 0x78)).toBe(true);
    const asked = await fetch(`${base}/files/out/notes.txt?download=1`);
    expect([asked.headers.get('content-type'), asked.headers.get('content-disposition')]).toEqual(['application/octet-stream', "attachment; filename*=UTF-8''notes.txt"]);
    expect(await asked.text()).toBe('plain words\n');
  });

  it('refuses paths that would escape the archive and answers 404 for what does not exist', async () => {
    for (const path of ['..%2F..%2Fetc%2Fpasswd', 'out%2F..%2F..%2Fsecret', '%2Fetc%2Fpasswd', 'out%2F.%2Fnotes.txt']) {
      const refused = await fetch(`${base}/files/${path}`);
      expect(refused.status, path).toBe(400);
      expect(await refused.json()).toMatchObject({ error: { code: 'invalid_argument', message: expect.stringContaining('artifact file path'), details: { path: expect.any(String) } } });
    }
    const missing = await fetch(`${base}/files/out/nope.txt`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found', message: expect.stringContaining('has no file "out/nope.txt"'), details: { runId, path: 'out/nope.txt' } } });
    // A symlink has no content of its own to serve.
    expect((await fetch(`${base}/files/out/link`)).status).toBe(404);
    // Artifact ids are per run: another run's id, or an unknown one, is not found here.
    const elsewhere = await fetch(`${url}/api/v1/runs/${runId + 1000}/artifacts/${otherArtifactId}/files`);
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.json()).toMatchObject({ error: { code: 'not_found', message: `no run ${runId + 1000} in the projects you can see` } });
    expect((await fetch(`${url}/api/v1/runs/${runId}/artifacts/999999/files/out/notes.txt`)).status).toBe(404);
    expect((await fetch(`${url}/api/v1/runs/${runId}/artifacts/x/files`)).status).toBe(400);
    const other = await fetch(`${url}/api/v1/runs/${runId}/artifacts/${otherArtifactId}/files/x.txt`);
    expect(await other.text()).toBe('other\n');
  });
});
