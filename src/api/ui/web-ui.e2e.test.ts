/**
 * The web UI end to end in real headless Chromium: a real server (PGlite store, an in-process agent,
 * the deploy controller with its router) serving the built UI (dist/ui, made by `npm run build`).
 * Two people: alice on a 1280 px screen starts a run; bob, on a phone (390 px), approves its
 * approval step; alice sees the log line after the approval arrive live, then rolls production back
 * through the confirmation dialog. A job runs the real `slipway loadtest` against a local server
 * and the run page shows the report it stored as an artifact. Screenshots of each page go to
 * docs/screenshots/ with SLIPWAY_SCREENSHOTS=docs (the README's), else to a temporary directory.
 */
import { existsSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createFsBlobStore } from '../../blobs/index.js';
import { type Bus, createMemoryBus } from '../../bus/index.js';
import { type CanaryService, parsePolicy, startCanaryService } from '../../canary/index.js';
import { systemClock } from '../../clock/clock.js';
import type { DeployController } from '../../deploy/controller/index.js';
import { startTrafficLoop, type TrafficLoop } from '../../deploy/controller/test-support/traffic-loop.js';
import { ensureProject } from '../../store/index.js';
import { createTestRun } from '../../test-support/store-fixtures.js';
import { describePglite } from '../../test-support/test-store.js';
import { createTestUser } from '../test-support/sign-in-as-admin.js';
import { createDemoRunner, type DemoRunner } from '../../demo/demo-runner.js';
import { startTestPlatform, type TestPlatform } from '../test-support/start-test-platform.js';
import { runPipeline } from '../test-support/run-pipeline.js';
import { waitFor } from '../test-support/wait-for.js';
import { binPath } from '../../cli/test-support/spawn-cli.js';
import { browserAvailable, browserRequired, chromiumPath, launchTestBrowser } from './test-support/launch-test-browser.js';
import { fastPolicyYaml } from '../../canary/test-support/fast-policy.js';
import { createTestDeployController } from '../../deploy/controller/test-support/test-controller.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
// The README's pictures are refreshed with SLIPWAY_SCREENSHOTS=docs; otherwise they go to a temporary
// directory, so a test run leaves the checkout as it was.
const screenshots = process.env['SLIPWAY_SCREENSHOTS'] === 'docs' ? join(repoRoot, 'docs', 'screenshots') : join(tmpdir(), 'slipway-ui-screenshots');
const builtUi = join(repoRoot, 'dist', 'ui', 'index.html');
const fixtureService = fileURLToPath(new URL('../../deploy/targets/local/test-support/fixture-service.mjs', import.meta.url));
/**
 * Decides within seconds (2 s windows; 2 s of passing windows promote a step). The p99 rule compares
 * with the baseline so the evidence carries both values for the chart; its factor keeps scheduling
 * noise on a busy machine from ever failing it.
 */
const policyYaml = fastPolicyYaml({
  name: 'ui-e2e',
  extraRules: `  - name: p99-vs-baseline
    metric: latency_p99
    compare: { maxRatioTo: baseline, factor: 1000 }
    counting: consecutive
    failures: 100
    action: PAUSE
`,
});
const analyzed = { canary: { steps: [{ setWeight: 50 }, { analysis: { timeoutSeconds: 60 } }, { setWeight: 100 }] } };
const project = 'acme/web';
/** The test's own API calls act as the administrator (the test platform signs this process's fetch in). */
const json = { 'content-type': 'application/json' };
const desktop = { viewport: { width: 1280, height: 860 } };
const phone = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

const pipeline = `name: ui-e2e
stages:
  - name: build
    steps:
      - run: printf '\\033[32mcompiled ok\\033[0m\\n'
  - name: lint
    steps:
      - run: echo lint clean
  - name: release
    needs: [build, lint]
    steps:
      - run: echo before-approval
      - approval: { approvers: 1, timeout: 1h }
      - run: printf '\\033[1;35mshipped after approval\\033[0m\\n'
  - name: notify
    needs: [release]
    steps:
      - run: echo done
`;

if (!browserAvailable) {
  if (browserRequired) {
    describe('the web UI in headless Chromium', () => {
      it('needs Chromium', () => {
        throw new Error(`SLIPWAY_REQUIRE_SERVICES=1 but there is no Chromium at ${chromiumPath}: install Debian's chromium package or set SLIPWAY_CHROMIUM`);
      });
    });
  } else {
    console.warn(`skipping the web UI browser tests: no Chromium at ${chromiumPath} (install Debian's chromium package, or set SLIPWAY_CHROMIUM)`);
    describe.skip(`the web UI in headless Chromium — skipped: no Chromium at ${chromiumPath}`, () => {
      it('drives the UI', () => {});
    });
  }
} else {
  describePglite('the web UI in headless Chromium', (harness) => {
    let dir: string;
    let controller: DeployController;
    let bus: Bus | undefined;
    let canary: CanaryService | undefined;
    let traffic: TrafficLoop | undefined;
    let platform: TestPlatform | undefined;
    let browser: Browser | undefined;
    let alice: Page;
    let bob: Page;
    let url: string;
    let demo: DemoRunner | undefined;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      if (!existsSync(builtUi)) throw new Error(`no built UI at ${builtUi}: run npm run build (the test globalSetup does)`);
      dir = await mkdtemp(join(tmpdir(), 'slipway-ui-e2e-'));
      const blobStore = createFsBlobStore({ root: join(dir, 'blobs') });
      const policy = parsePolicy(policyYaml, 'ui-e2e-policy.yml');
      if (!policy.ok) throw new Error(`test policy: ${policy.diagnostics[0]?.message}`);
      bus = createMemoryBus({});
      canary = await startCanaryService({ db: harness.db, bus, clock: systemClock, logger: pino({ level: 'silent' }), grpcPort: 0, policy: policy.policy });
      controller = createTestDeployController(dir, {
        db: harness.db,
        blobs: blobStore,
        bus,
        canary: canary.deployLink,
      });
      await controller.start();
      let demoUrl = '';
      demo = createDemoRunner({ clock: systemClock, serverUrl: () => demoUrl, workDir: join(dir, 'demo') });
      platform = await startTestPlatform(harness.db, {
        demo,
        blobStore,
        deployments: { db: harness.db, controller },
        canary: { canary },
        agent: { name: 'ui-agent', capacity: 3, workDir: join(dir, 'work') },
      });
      url = platform.url;
      demoUrl = url;
      await ensureProject(harness.db, { name: project });
      await mkdir(screenshots, { recursive: true });
      browser = await launchTestBrowser();
      alice = await openAs(browser, desktop, 'alice');
      bob = await openAs(browser, phone, 'bob');
    }, 60_000);
    // Cleanup takes about 4 s; one CI run saw it pass 60 s. Each step that takes over 5 s says so, so a
    // hang names itself.
    afterAll(async () => {
      const step = async (what: string, stop: () => Promise<unknown> | undefined) => {
        const started = Date.now();
        await stop();
        if (Date.now() - started > 5000) console.warn(`web UI test cleanup: ${what} took ${Date.now() - started} ms`);
      };
      await step('stopping the demo', async () => demo?.close());
      await step('closing the browser contexts', async () => {
        for (const context of contexts) await context.close().catch(() => {});
      });
      await step('closing the browser', async () => browser?.close());
      await step('stopping the traffic', async () => traffic?.stop());
      await step('stopping the server and its agent', async () => platform?.stop());
      await step('closing the deploy controller', async () => controller?.close());
      await step('closing the canary service', async () => canary?.close());
      await step('closing the bus', async () => bus?.close());
      if (dir) await rm(dir, { recursive: true, force: true });
    }, 120_000);

    /** A browser context (its own cookies) whose user `name`, a maintainer, signed in with their API token. */
    const openAs = async (b: Browser, options: typeof desktop | typeof phone, name: string): Promise<Page> => {
      const token = await createTestUser(harness.db, name, 'maintainer');
      const context = await b.newContext(options);
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(`${url}/`);
      const form = page.getByRole('form', { name: 'Sign in' });
      await form.getByLabel('API token').fill(token);
      await form.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      return page;
    };
    const shoot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
    /** Polls until the element's text is exactly `text`: the page updates itself, nothing reloads it. */
    const showsText = (locator: Locator, text: string, timeoutMs = 20_000) =>
      waitFor(`${text} on the page`, async () => ((await locator.textContent({ timeout: 1000 }).catch(() => null)) === text ? true : undefined), timeoutMs);
    const jobNode = (page: Page, job: string) => page.locator(`svg.dag a[data-job="${job}"]`);

    it('starts a run from the project page, draws its DAG, and streams a job log live through an approval made on a phone', { timeout: 120_000 }, async () => {
      // Bob watches the project's runs on his phone; there are none yet.
      await bob.goto(`${url}/projects/${encodeURIComponent(project)}`);
      await bob.getByText('No runs yet.').waitFor();
      await bob.evaluate('window.stillSamePage = true');

      // The project is listed on the home page, from the API.
      await alice.getByRole('link', { name: project }).first().click();
      await alice.getByRole('heading', { name: project, level: 1 }).waitFor();
      await alice.getByLabel('pasted here').check();
      await alice.getByLabel('.pipeline.yml').fill(pipeline);
      await alice.getByRole('button', { name: 'Start run' }).click();

      // The UI goes to the new run; the API agrees it exists, and alice is its author.
      await alice.waitForURL(/\/runs\/\d+$/);
      const runId = Number(/\/runs\/(\d+)$/.exec(alice.url())![1]);
      const runs = (await (await fetch(`${url}/api/v1/runs?project=${encodeURIComponent(project)}`)).json()) as { runs: { id: number }[] };
      expect(runs.runs.map((run) => run.id)).toContain(runId);
      await alice.getByRole('heading', { name: /Run #1/ }).waitFor();
      // The new run appears on bob's open page by itself.
      await bob.locator(`tr[data-run="${runId}"]`).waitFor();
      expect(await bob.evaluate('window.stillSamePage')).toBe(true);
      await shoot(bob, 'project-phone');
      expect(await alice.locator('svg.dag a[data-job]').evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-job')).sort())).toEqual([
        'build',
        'lint',
        'notify',
        'release',
      ]);
      // Layers left to right at 1280 px: build and lint, then release, then notify.
      const x = async (job: string) => Number(await jobNode(alice, job).locator('rect').getAttribute('x'));
      expect(await x('build')).toBe(await x('lint'));
      expect(await x('release')).toBeGreaterThan(await x('build'));
      expect(await x('notify')).toBeGreaterThan(await x('release'));
      await alice.waitForSelector('svg.dag a[data-job="build"][data-status="succeeded"]', { timeout: 30_000 });
      expect(await jobNode(alice, 'build').getAttribute('aria-label')).toMatch(/^build: succeeded, [\d.]+ (ms|s)$/);

      // build's log, with its ANSI colour.
      await jobNode(alice, 'build').click();
      const green = alice.locator('.log-text', { hasText: /^compiled ok$/ }).locator('span[style]');
      await green.waitFor();
      expect(await green.evaluate((el) => el.style.color)).toBe('var(--ansi-2)');

      // release waits at its approval step; its log shows it, live.
      await jobNode(alice, 'release').click();
      await alice.locator('.log-text', { hasText: /waiting for 1 approval: slipway approve \d+/ }).waitFor({ timeout: 30_000 });
      expect(await alice.locator('.log-text', { hasText: /^shipped after approval$/ }).count()).toBe(0);
      // A marker on the page's window: gone if anything reloads the page.
      await alice.evaluate('window.stillSamePage = true');
      await shoot(alice, 'run-desktop');

      // Bob approves on his phone, with a comment.
      await bob.getByRole('link', { name: 'Approvals' }).click();
      const request = bob.getByRole('article', { name: /Approval request \d+/ }).first();
      await request.waitFor();
      expect(await request.textContent()).toContain(`run ${runId} job release`);
      await request.getByLabel('Comment').fill('release notes look right');
      await shoot(bob, 'approvals-phone');
      await request.getByRole('button', { name: 'Approve' }).click();
      await bob.getByRole('status').filter({ hasText: /Approved request #\d+: it is now approved\./ }).waitFor();

      // Alice's open log receives the line written after the approval, without a reload.
      const shipped = alice.locator('.log-text', { hasText: /^shipped after approval$/ });
      await shipped.waitFor({ timeout: 30_000 });
      expect(await shipped.locator('span[style]').first().evaluate((el) => [el.style.color, el.style.fontWeight])).toEqual(['var(--ansi-5)', '700']);
      expect(await alice.evaluate('window.stillSamePage')).toBe(true);
      await alice.waitForSelector('svg.dag a[data-job="notify"][data-status="succeeded"]', { timeout: 30_000 });
      await alice.getByRole('heading', { name: /Run #1/ }).locator('[data-status="succeeded"]').waitFor();

      // Search: one match, highlighted as the current one.
      // Search: the step's command line and its output both match; Enter moves to the next match.
      const count = alice.locator('.log-count');
      await alice.getByPlaceholder('Search the log').fill('shipped');
      await showsText(count, '1 of 2');
      expect(await alice.locator('.log-line', { has: alice.locator('mark.current') }).locator('.log-text').textContent()).toMatch(/^▶ printf/);
      await alice.getByPlaceholder('Search the log').press('Enter');
      await showsText(count, '2 of 2');
      expect(await alice.locator('.log-line', { has: alice.locator('mark.current') }).locator('.log-text').textContent()).toBe('shipped after approval');
      await alice.getByPlaceholder('Search the log').fill('no such text');
      await showsText(count, 'no match');
      await alice.getByPlaceholder('Search the log').fill('shipped');
      await shoot(alice, 'log-search-desktop');

      // The decided request, with bob's comment, is listed on the desktop too.
      await alice.getByRole('link', { name: 'Approvals' }).click();
      await alice.getByText('release notes look right').waitFor();
      await shoot(alice, 'approvals-desktop');

      await alice.getByRole('link', { name: 'Projects' }).click();
      await alice.locator(`tr[data-run="${runId}"]`, { hasText: 'succeeded' }).waitFor();
      await shoot(alice, 'projects-desktop');

      // The phone draws the same run top to bottom.
      await bob.goto(`${url}/runs/${runId}`);
      await bob.waitForSelector('svg.dag a[data-job="notify"]');
      const y = async (job: string) => Number(await jobNode(bob, job).locator('rect').getAttribute('y'));
      expect(await y('release')).toBeGreaterThan(await y('build'));
      expect(await bob.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
      await shoot(bob, 'run-phone');
    });

    it('shows a canary rolled back by the engine live, with its evidence, then rolls the environment back by hand', { timeout: 180_000 }, async () => {
      const put = await fetch(`${url}/api/v1/projects/${encodeURIComponent(project)}/environments/production`, { method: 'PUT', headers: json, body: JSON.stringify({ rules: {} }) });
      expect(put.status).toBe(201);
      const release = join(dir, 'release');
      await mkdir(release, { recursive: true });
      await copyFile(fixtureService, join(release, 'server.mjs'));
      const submit = async (version: string, strategy: unknown, env: Record<string, string> = {}) => {
        const posted = await fetch(`${url}/api/v1/deployments`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            project,
            environment: 'production',
            version,
            dir: release,
            service: { name: 'web', start: 'node server.mjs', replicas: 1, readiness: { path: '/ready', intervalMs: 50, timeoutMs: 1000 }, env: { VERSION: version, ...env }, stopTimeoutMs: 2000 },
            strategy,
          }),
        });
        expect(posted.status).toBe(202);
        return ((await posted.json()) as { deployment: { id: number } }).deployment.id;
      };
      const settled = (id: number) =>
        waitFor(`deployment ${id} to finish`, async () => {
          const view = (await (await fetch(`${url}/api/v1/deployments/${id}`)).json()) as { deployment: { status: string } };
          return ['succeeded', 'failed', 'aborted'].includes(view.deployment.status) ? view.deployment.status : undefined;
        }, 90_000);
      expect(await settled(await submit('v1', { recreate: {} }))).toBe('succeeded');
      traffic = startTrafficLoop(controller.routerUrl, 'web');
      // v2 is healthy: the engine promotes it past its analysis step.
      expect(await settled(await submit('v2', analyzed))).toBe('succeeded');

      // v3 answers 500s: alice watches its rollout page while the engine rolls it back.
      const v3 = await submit('v3', analyzed, { FAIL_REQUESTS: '1' });
      await alice.goto(`${url}/deployments/${v3}`);
      await alice.getByRole('heading', { name: /web v3/ }).waitFor();
      await alice.evaluate('window.stillSamePage = true');
      const rollback = alice.locator('details.decision[data-action="ROLLBACK"]');
      await rollback.waitFor({ timeout: 60_000 });
      await alice.getByRole('heading', { name: /web v3/ }).locator('[data-status="failed"]').waitFor({ timeout: 30_000 });
      expect(await alice.evaluate('window.stillSamePage')).toBe(true);
      // Its evidence: the error-rate rule failed and triggered the rollback.
      await rollback.locator('summary').click();
      const triggered = rollback.locator('table.evidence tr.triggered');
      expect(await triggered.count()).toBe(1);
      expect(await triggered.textContent()).toMatch(/error-rate \(error_rate\)→ ROLLBACKFAIL≤ 0\.1/);
      // All traffic is back on v2, and the charts plot what the decision measured.
      await alice.locator('.traffic-part[data-version="v2"]', { hasText: 'v2 100%' }).waitFor({ timeout: 30_000 });
      const errorChart = alice.getByRole('table', { name: 'Error rate', exact: true });
      expect(await errorChart.textContent()).toMatch(/canary[\d.]+[1-9][\d.]*%/);
      // The live charts plot the engine's window second by second: v3's failing seconds among them.
      const liveErrors = alice.getByRole('table', { name: 'Error rate per second (live)', exact: true });
      await liveErrors.waitFor({ state: 'attached', timeout: 10_000 });
      expect(await liveErrors.textContent()).toMatch(/canary[\d.]+[1-9][\d.]*%/);
      await alice.getByRole('table', { name: 'Latency p99 per second (live)', exact: true }).waitFor({ state: 'attached' });
      await shoot(alice, 'rollout-desktop');
      await bob.goto(`${url}/deployments/${v3}`);
      await bob.locator('details.decision[data-action="ROLLBACK"]').waitFor();
      await shoot(bob, 'rollout-phone');
      await traffic.stop();
      traffic = undefined;

      // The environment still serves v2; alice rolls it back to v1, cancelling once first.
      await alice.goto(`${url}/projects/${encodeURIComponent(project)}`);
      await alice.getByRole('link', { name: 'production' }).click();
      const current = alice.getByTestId('current-release');
      await showsText(current, 'v2');
      expect(await alice.locator('table.deployments tbody tr').count()).toBe(3);
      await alice.getByRole('button', { name: 'Roll back…' }).click();
      const dialog = alice.getByRole('dialog', { name: 'Roll back production?' });
      await dialog.waitFor();
      expect(await dialog.textContent()).toContain('acme/web production will go from v2 to the previous release');
      await shoot(alice, 'rollback-confirm-desktop');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const listed = async () => ((await (await fetch(`${url}/api/v1/projects/${encodeURIComponent(project)}/environments/production/deployments`)).json()) as { deployments: { kind: string; version: string; createdBy: string }[] }).deployments;
      expect((await listed()).length).toBe(3);

      await alice.getByRole('button', { name: 'Roll back…' }).click();
      await dialog.getByRole('button', { name: 'Roll back now' }).click();
      await alice.getByRole('status').filter({ hasText: 'Rolling back to v1' }).waitFor();
      await showsText(current, 'v1', 60_000);
      expect((await listed())[0]).toMatchObject({ kind: 'rollback', version: 'v1', createdBy: 'alice' });
      await shoot(alice, 'environment-desktop');
      await bob.goto(`${url}/projects/${encodeURIComponent(project)}/environments/production`);
      await showsText(bob.getByTestId('current-release'), 'v1');
      await shoot(bob, 'environment-phone');
    });

    it('serves the UI for client paths, lists projects, and keeps API 404s as JSON', async () => {
      const { projects } = (await (await fetch(`${url}/api/v1/projects`)).json()) as { projects: { name: string; lastRun: { number: number; status: string } | null }[] };
      expect(projects).toEqual([expect.objectContaining({ name: project, lastRun: expect.objectContaining({ number: 1, status: 'succeeded' }) })]);
      const page = await fetch(`${url}/projects/${encodeURIComponent(project)}/environments/production`);
      expect(page.headers.get('content-type')).toContain('text/html');
      const html = await page.text();
      const asset = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(html)?.[1];
      expect(asset).toBeDefined();
      const script = await fetch(`${url}${asset}`);
      expect([script.status, script.headers.get('content-type'), script.headers.get('cache-control')]).toEqual([200, 'text/javascript; charset=utf-8', 'public, max-age=31536000, immutable']);
      const missing = await fetch(`${url}/api/v1/nothing-here`);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
      const outside = await fetch(`${url}/ui/assets/..%2F..%2Fpackage.json`);
      expect(outside.status).toBe(404);
      expect(await outside.json()).toMatchObject({ error: { code: 'not_found' } });
    });

    it("shows a job's artifacts and the load test report a real `slipway loadtest` stored in one", { timeout: 120_000 }, async () => {
      // The target: a local HTTP server that counts what it was sent.
      let hits = 0;
      const target = createHttpServer((_request, response) => {
        hits++;
        response.end('ok');
      });
      await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
      try {
        const port = (target.address() as AddressInfo).port;
        const loadtest = `name: verify
stages:
  - name: verify
    artifacts: { paths: [loadtest-report.json, extra], expire-in: 2h }
    steps:
      - run: >-
          ${process.execPath} ${binPath} loadtest http://127.0.0.1:${port}/ --requests 150 --concurrency 3
          --threshold 'success>=99%' --threshold 'p99<5000ms' --out loadtest-report.json
      - run: mkdir -p extra && echo notes > extra/notes.txt
`;
        const { runId, run, logOf } = await runPipeline(url, { project, ref: 'refs/heads/main', pipeline: loadtest }, 60_000);
        expect(run.status, await logOf('verify')).toBe('succeeded');
        expect(hits).toBe(150);

        await alice.goto(`${url}/runs/${runId}`);
        const artifacts = alice.getByRole('region', { name: 'Artifacts of verify' });
        const card = artifacts.locator('li.artifact[data-artifact="verify"]');
        await card.waitFor();
        expect(await card.locator('.artifact-meta').textContent()).toMatch(/^[\d.]+ KiB · 2 files · expires in 1 h$/);
        const report = card.getByRole('figure', { name: 'Load test report loadtest-report.json' });
        await report.waitFor();
        const figure = async (label: string) => report.locator(`tr[data-figure="${label}"] td`).textContent();
        expect(await figure('Requests')).toBe('150 (150 ok, 0 failed)');
        expect(await figure('Success rate')).toBe('100.00%');
        expect(await figure('Throughput')).toMatch(/^[\d.]+ req\/s$/);
        expect(await figure('HTTP errors')).toBe('0');
        expect(await figure('Timeouts')).toBe('0');
        expect(await figure('Connection errors')).toBe('0');
        expect(await report.locator('dl.latency dt').allTextContents()).toEqual(['avg', 'p50', 'p90', 'p95', 'p99', 'max']);
        expect(await report.locator('table.thresholds tbody tr').allTextContents()).toEqual([
          expect.stringMatching(/^success>=99%100\.00%pass$/),
          expect.stringMatching(/^p99<5000ms[\d.]+ mspass$/),
        ]);
        expect(await report.getAttribute('data-passed')).toBe('true');

        // Expanding the artifact lists its files, each a link to the file itself.
        await card.getByText('Files', { exact: true }).click();
        const reportLink = card.getByRole('link', { name: 'loadtest-report.json' });
        await reportLink.waitFor();
        expect((await card.locator('.artifact-files li').allTextContents()).sort()).toEqual(['extra/notes.txt 6 B', expect.stringMatching(/^loadtest-report\.json [\d.]+ (B|KiB)$/)]);
        const served = (await (await fetch(`${url}${await reportLink.getAttribute('href')}`)).json()) as { summary: { requests: number } };
        expect(served.summary.requests).toBe(150);
        const archive = await fetch(`${url}${await card.getByRole('link', { name: 'Download verify.tar' }).getAttribute('href')}`);
        expect([archive.status, archive.headers.get('content-type')]).toEqual([200, 'application/x-tar']);
        await shoot(alice, 'loadtest-report-desktop');
      } finally {
        await new Promise((resolve) => target.close(resolve));
      }
    });

    it('lets an administrator start the demo from the projects page and shows its output live', { timeout: 60_000 }, async () => {
      // alice is a maintainer: no demo button for her.
      await alice.goto(`${url}/`);
      await alice.getByRole('heading', { name: 'Recent runs' }).waitFor();
      expect(await alice.getByRole('button', { name: 'Run the demo' }).count()).toBe(0);
      const token = await createTestUser(harness.db, 'ada', 'admin', undefined, { admin: true });
      const context = await browser!.newContext(desktop);
      contexts.push(context);
      const ada = await context.newPage();
      await ada.goto(`${url}/`);
      await ada.getByRole('form', { name: 'Sign in' }).getByLabel('API token').fill(token);
      await ada.getByRole('button', { name: 'Sign in' }).click();
      await ada.getByRole('button', { name: 'Run the demo' }).click();
      // `slipway demo` runs as its own process against this server, acting for ada: its first line.
      await waitFor('the demo to print its first line', async () =>
        ((await ada.getByRole('log', { name: 'Demo output' }).textContent({ timeout: 1000 }).catch(() => '')) ?? '').includes(`Slipway demo against ${url}`) ? true : undefined,
      30_000);
      expect(await ada.getByRole('button', { name: 'The demo is running…' }).isDisabled()).toBe(true);
      expect(demo!.read()).toMatchObject({ status: 'running', startedBy: 'ada' });
      await demo!.close();
      expect(demo!.read()?.status).toBe('failed');
    });
    it('pages a long run history: the first 30 runs live, older ones a page per click', { timeout: 60_000 }, async () => {
      const paged = 'acme/paged';
      const { id } = await ensureProject(harness.db, { name: paged });
      for (let i = 0; i < 35; i++) await createTestRun(harness.db, id);
      await alice.goto(`${url}/projects/${encodeURIComponent(paged)}`);
      const rows = alice.locator('table.runs tbody tr');
      await waitFor('the first page', async () => ((await rows.count()) === 30 ? true : undefined));
      await alice.getByRole('button', { name: 'Show older runs' }).click();
      await waitFor('the older runs', async () => ((await rows.count()) === 35 ? true : undefined));
      // #35 down to #1, each once, and no button once the last page is shown.
      const numbers = await alice.locator('table.runs tbody tr').evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent ?? ''));
      expect(numbers).toEqual(Array.from({ length: 35 }, (_, i) => `#${35 - i} ci`));
      expect(await alice.getByRole('button', { name: 'Show older runs' }).count()).toBe(0);
    });
  });
}
