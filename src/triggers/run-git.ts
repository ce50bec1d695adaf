import { spawn } from 'node:child_process';
import { AppError, ErrorCode } from '../errors/app-error.js';

export interface GitResult {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

export interface RunGitOptions {
  cwd?: string;
  /** Default 10 minutes: a first mirror of a large repository takes a while. */
  timeoutMs?: number;
  /** Output beyond this fails the call; default 16 MiB. */
  maxStdoutBytes?: number;
}

/**
 * Only these transports, whatever any config says: `ext` would run commands, the others are not
 * needed. No credential prompts: a server has no terminal to ask on. C locale: messages we match on.
 */
const gitEnv = {
  GIT_ALLOW_PROTOCOL: 'file:git:http:https:ssh',
  GIT_TERMINAL_PROMPT: '0',
  LC_ALL: 'C',
  // An HTTP remote that stalls (accepts, then sends nothing) fails after a minute rather than holding
  // the caller for the whole timeout (10 minutes by default); a slow but moving transfer goes on.
  GIT_HTTP_LOW_SPEED_LIMIT: '1',
  GIT_HTTP_LOW_SPEED_TIME: '60',
};

/** Runs git with arguments as given (no shell); resolves with its exit code, rejects only if it cannot run. */
export function runGit(args: readonly string[], options: RunGitOptions = {}): Promise<GitResult> {
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const maxStdoutBytes = options.maxStdoutBytes ?? 16 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      // Inherited as a child's environment always is (ssh agent, proxies, HOME), plus the overrides.
      env: { ...process.env, ...gitEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills git's helpers too: git-remote-http holds the pipes
      // open, and killing git alone left the call waiting for the helper (30 s and more on a dead remote).
      detached: true,
    });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let failure: AppError | undefined;
    const stop = (error: AppError) => {
      failure ??= error;
      try {
        if (child.pid === undefined) throw new Error('not started');
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(
      () => stop(new AppError(ErrorCode.unavailable, `git ${args[0]} took longer than ${timeoutMs} ms and was stopped`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) stop(new AppError(ErrorCode.invalidArgument, `git ${args[0]} printed more than ${maxStdoutBytes} bytes`));
      else stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 64 * 1024) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const message = error.code === 'ENOENT' ? 'git is not installed (or not on PATH): install git' : `cannot run git: ${error.message}`;
      reject(new AppError(ErrorCode.unavailable, message, { cause: error }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(failure);
      else resolve({ exitCode: code ?? -1, stdout: Buffer.concat(stdout), stderr: stderr.trim() });
    });
  });
}
