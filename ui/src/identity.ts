import { useSyncExternalStore } from 'react';

/** Who the user acts as, typed once and kept in localStorage; sent as x-slipway-actor / x-slipway-role until RBAC. */
export interface Identity {
  actor: string;
  role: string;
}

const actorKey = 'slipway.actor';
const roleKey = 'slipway.role';
const listeners = new Set<() => void>();
let cached: Identity | undefined;

export function readIdentity(): Identity {
  cached ??= { actor: localStorage.getItem(actorKey) ?? '', role: localStorage.getItem(roleKey) ?? 'maintainer' };
  return cached;
}

export function saveIdentity(identity: Identity): void {
  localStorage.setItem(actorKey, identity.actor.trim());
  localStorage.setItem(roleKey, identity.role.trim());
  cached = { actor: identity.actor.trim(), role: identity.role.trim() };
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
