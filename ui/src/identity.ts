import { useSyncExternalStore } from 'react';

/**
 * Who is signed in to this browser: learned from GET /api/v1/me (the HttpOnly session cookie) or
 * from signing in. `actor` is '' while signed out. The session's CSRF token is kept in localStorage so
 * a reload can still change things; the cookie itself is never readable by scripts.
 */
export interface Identity {
  actor: string;
  admin: boolean;
  teams: { team: string; role: string }[];
  /** False until the first /me answer: the page neither offers sign-in nor acts yet. */
  known: boolean;
}

const csrfKey = 'slipway.csrf';
const listeners = new Set<() => void>();
let current: Identity = { actor: '', admin: false, teams: [], known: false };

export function readIdentity(): Identity {
  return current;
}

export function readCsrfToken(): string | null {
  return localStorage.getItem(csrfKey);
}

export function setIdentity(identity: Omit<Identity, 'known'>, csrfToken?: string): void {
  if (csrfToken !== undefined) localStorage.setItem(csrfKey, csrfToken);
  current = { ...identity, known: true };
  for (const listener of listeners) listener();
}

export function clearIdentity(): void {
  localStorage.removeItem(csrfKey);
  current = { actor: '', admin: false, teams: [], known: true };
  for (const listener of listeners) listener();
}

export function useIdentity(): Identity {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    readIdentity,
  );
}
