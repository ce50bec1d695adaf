import { type FSWatcher, watch } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Diagnostic } from '../../pipeline/model.js';
import { loadPolicyFile } from './load-policy-file.js';
import type { Policy } from './policy-model.js';

export interface PolicyWatchOptions {
  /** A new version was loaded (also the first load). Not called when an edit keeps the version. */
  onChange(policy: Policy): void;
  /** The file became invalid or unreadable; the previous version stays current. */
  onError(diagnostics: Diagnostic[]): void;
  /** Editors write a file in several syscalls; reload once they settle. Default 50. */
  debounceMs?: number;
}

export interface PolicyWatcher {
  /** The last valid version, or undefined if the file has never been valid. */
  current(): Policy | undefined;
  /** Re-reads now (e.g. on SIGHUP) and resolves when done. */
  reload(): Promise<void>;
  close(): void;
}

/**
 * Hot reload: watches the file's directory rather than the file, because editors and `kubectl`-style
 * config mounts replace files by rename, which ends a watch on the old inode. A bad edit never
 * replaces a good version; rollouts already running keep their pinned version regardless (the
 * engine decides that, not the watcher).
 */
export async function watchPolicyFile(path: string, options: PolicyWatchOptions): Promise<PolicyWatcher> {
  const file = resolve(path);
  const debounceMs = options.debounceMs ?? 50;
  let current: Policy | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Reloads run one at a time, so an older read can never land after a newer one.
  let chain: Promise<void> = Promise.resolve();

  const reloadOnce = async () => {
    const parsed = await loadPolicyFile(path);
    if (closed) return;
    if (!parsed.ok) {
      options.onError(parsed.diagnostics);
      return;
    }
    if (parsed.policy.version === current?.version) return;
    current = parsed.policy;
    options.onChange(parsed.policy);
  };
  const reload = () => {
    chain = chain.then(reloadOnce, reloadOnce);
    return chain;
  };

  await reload();
  const watcher: FSWatcher = watch(dirname(file), (_event, name) => {
    if (closed || (name !== null && name !== basename(file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), debounceMs);
  });
  watcher.on('error', (error) => options.onError([{ file: path, line: 1, col: 1, path: '', message: `cannot watch the policy file (${error.message})` }]));

  return {
    current: () => current,
    reload,
    close: () => {
      closed = true;
      clearTimeout(timer);
      watcher.close();
    },
  };
}
