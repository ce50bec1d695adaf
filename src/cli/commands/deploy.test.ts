import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCliInProcess as cli } from '../../api/test-support/run-cli-in-process.js';

// A server that is never reached: these inputs must be refused before any request.
const server = ['--server', 'http://127.0.0.1:9', '--token', 'slp_never-sent'];
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'slipway-deploy-cli-'));
  await writeFile(join(dir, 'service.yml'), 'name: web\nstart: node server.mjs\n');
  await writeFile(join(dir, 'broken.yml'), 'name: [web\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

it('needs the release files as --dir, or --run with --artifact', async () => {
  const result = await cli('deploy', '--project', 'acme/web', '--env', 'staging', '--service', join(dir, 'service.yml'), '--version', '1.0.0', ...server);
  expect(result).toMatchObject({ code: 1, err: expect.stringContaining('give the release files with --dir PATH, or with --run ID --artifact NAME') });
});

it('names the file when the service spec is missing or not YAML', async () => {
  const missing = await cli('deploy', '--project', 'p', '--env', 'e', '--service', join(dir, 'nope.yml'), '--version', '1', '--dir', dir, ...server);
  expect(missing).toMatchObject({ code: 1, err: expect.stringContaining(`cannot read the service file ${join(dir, 'nope.yml')}`) });
  const broken = await cli('deploy', '--project', 'p', '--env', 'e', '--service', join(dir, 'broken.yml'), '--version', '1', '--dir', dir, ...server);
  expect(broken).toMatchObject({ code: 1, err: expect.stringContaining(`${join(dir, 'broken.yml')} is not valid YAML`) });
});

it('takes --version as the release version, while `slipway --version` still prints the program version', async () => {
  const unreachable = await cli('deploy', '--project', 'p', '--env', 'e', '--service', join(dir, 'service.yml'), '--version', '1', '--dir', dir, ...server);
  expect(unreachable).toMatchObject({ code: 1, err: expect.stringContaining('cannot reach the Slipway server at http://127.0.0.1:9') });
  expect(await cli('--version')).toMatchObject({ code: 0, out: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  expect(await cli('promote', 'x', ...server)).toMatchObject({ code: 1, err: expect.stringContaining('expected a deployment id') });
});
