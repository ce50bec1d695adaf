import { type AnchorHTMLAttributes, type MouseEvent, useSyncExternalStore } from 'react';

/**
 * A tiny history router. Paths (kept in step with src/api/ui/ui-paths.ts, which serves index.html
 * for them):
 *   /                                         projects
 *   /projects/:project                        a project: runs, trigger, environments
 *   /projects/:project/environments/:name     an environment: current release, history, rollback
 *   /runs/:id[/jobs/:jobId]                   a run's DAG, and a job's live log
 *   /approvals                                approval requests
 *   /deployments/:id                          a deployment's rollout: traffic, charts, decisions
 * Segments are URI-encoded (project names contain slashes).
 */
export type Route =
  | { page: 'projects' }
  | { page: 'project'; project: string }
  | { page: 'environment'; project: string; environment: string }
  | { page: 'run'; runId: number; jobId?: number }
  | { page: 'approvals' }
  | { page: 'deployment'; deploymentId: number }
  | { page: 'not-found'; path: string };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter((part) => part !== '').map(decodeURIComponent);
  const [first, second, third, fourth, ...rest] = parts;
  const id = (value: string | undefined) => (value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined);
  if (first === undefined) return { page: 'projects' };
  if (first === 'projects' && second !== undefined && third === undefined) return { page: 'project', project: second };
  if (first === 'projects' && second !== undefined && third === 'environments' && fourth !== undefined && rest.length === 0) {
    return { page: 'environment', project: second, environment: fourth };
  }
  if (first === 'runs' && id(second) !== undefined) {
    if (third === undefined) return { page: 'run', runId: id(second)! };
    if (third === 'jobs' && id(fourth) !== undefined && rest.length === 0) return { page: 'run', runId: id(second)!, jobId: id(fourth)! };
  }
  if (first === 'approvals' && second === undefined) return { page: 'approvals' };
  if (first === 'deployments' && id(second) !== undefined && third === undefined) return { page: 'deployment', deploymentId: id(second)! };
  return { page: 'not-found', path: pathname };
}

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

export function navigate(path: string): void {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  window.scrollTo(0, 0);
  for (const listener of listeners) listener();
}

export function usePathname(): string {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    () => location.pathname,
  );
}

/** An ordinary link (opens in a new tab with a modifier) that navigates in place otherwise. */
export function Link({ href, onClick, ...props }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const click = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(href);
  };
  return <a href={href} onClick={click} {...props} />;
}
