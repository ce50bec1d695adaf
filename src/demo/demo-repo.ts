import { execFile } from 'node:child_process';
import { access, constants, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { AppError, ErrorCode } from '../errors/app-error.js';

const run = promisify(execFile);

/** The example the demo pushes; the same path from src/ (tests) and dist/ (the CLI). */
export const exampleDir = fileURLToPath(new URL('../../examples/hello-service', import.meta.url));
/** The CLI a pipeline step runs (`slipway loadtest`): this checkout's, whatever is on the step's PATH. */
export const cliBinPath = fileURLToPath(new URL('../../bin/slipway.js', import.meta.url));

export interface DemoVersion {
  /** Written to VERSION: what the service answers. */
  name: string;
  /** FAULT_RATE in service.yml: the share of requests answered with 500. */
  faultRate: number;
}

export interface DemoRepo {
  dir: string;
  /** An earlier demo's repository, committed on top of. */
  reused: boolean;
  /** Writes the version's files and commits them on main; resolves to the commit. */
  commitVersion(version: DemoVersion): Promise<string>;
}

/**
 * The demo's git repository at `dir` holding examples/hello-service, its pipeline pointed at this
 * server's router and this checkout's CLI (the step environment has no other way to learn them).
 * An existing one is reused and committed on top of: a project remembers its repository and
 * refuses another, and a server's local target binds a service name to one project's environment,
 * so a second demo against the same server must push to the same project from the same repository.
 */
export async function openDemoRepo(input: { dir: string; routerUrl: string }): Promise<DemoRepo> {
  const { dir } = input;
  try {
    await mkdir(dir, { recursive: true });
    await access(dir, constants.W_OK);
  } catch (error) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `the demo cannot write its git repository at ${dir} (${(error as NodeJS.ErrnoException).code ?? 'not writable'}) — pass a writable directory with --dir or set TMPDIR`,
      { cause: error },
    );
  }
  await cp(exampleDir, dir, { recursive: true, force: true });
  const pipelineFile = join(dir, '.pipeline.yml');
  const pipeline = (await readFile(pipelineFile, 'utf8'))
    .replace(/^( {2}ROUTER_URL:).*$/m, `$1 ${input.routerUrl}`)
    .replace(/^( {2}SLIPWAY_CLI:).*$/m, `$1 ${JSON.stringify(`${process.execPath} ${cliBinPath}`)}`);
  await writeFile(pipelineFile, pipeline);
  const git = (...args: string[]) =>
    run('git', ['-c', 'user.name=Slipway Demo', '-c', 'user.email=demo@slipway.invalid', '-c', 'commit.gpgsign=false', ...args], { cwd: dir });
  const existing = await access(join(dir, '.git')).then(() => true, () => false);
  if (!existing) {
    try {
      await git('init', '--quiet', '--initial-branch=main');
    } catch (error) {
      throw new AppError(ErrorCode.unavailable, `git init failed in ${dir}: ${(error as Error).message.trim()} — the demo needs git on PATH`, { cause: error });
    }
  }
  return {
    dir,
    reused: existing,
    commitVersion: async (version) => {
      await writeFile(join(dir, 'VERSION'), `${version.name}\n`);
      const serviceFile = join(dir, 'service.yml');
      const service = (await readFile(serviceFile, 'utf8')).replace(/^( {2}FAULT_RATE:).*$/m, `$1 "${version.faultRate}"`);
      await writeFile(serviceFile, service);
      await git('add', '-A');
      const fault = version.faultRate > 0 ? ` with ${Math.round(version.faultRate * 100)}% injected errors` : '';
      // --allow-empty: a rerun's v1 may equal the last commit's files, and each push must be a new commit (a new release).
      await git('commit', '--quiet', '--allow-empty', '-m', `hello ${version.name}${fault} (${new Date().toISOString()})`);
      return (await git('rev-parse', 'HEAD')).stdout.trim();
    },
  };
}
