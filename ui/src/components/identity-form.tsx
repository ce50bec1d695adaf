import { type FormEvent, useEffect, useState } from 'react';
import { saveIdentity, useIdentity } from '../identity.js';

/**
 * Who the user acts as. No accounts yet (RBAC is not built): the name and role are sent as the
 * identity headers, as the CLI's --as/--role do, and kept in this browser.
 */
export function IdentityForm() {
  const identity = useIdentity();
  const [actor, setActor] = useState(identity.actor);
  const [role, setRole] = useState(identity.role);
  useEffect(() => {
    setActor(identity.actor);
    setRole(identity.role);
  }, [identity]);
  const dirty = actor.trim() !== identity.actor || role.trim() !== identity.role;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    saveIdentity({ actor, role });
  };
  return (
    <form className="identity" onSubmit={submit} aria-label="Acting as">
      <label>
        <span>Name</span>
        <input name="actor" value={actor} onChange={(e) => setActor(e.target.value)} placeholder="your name" autoComplete="username" maxLength={200} />
      </label>
      <label>
        <span>Role</span>
        <input name="role" value={role} onChange={(e) => setRole(e.target.value)} list="slipway-roles" placeholder="role" maxLength={64} />
      </label>
      <datalist id="slipway-roles">
        <option value="developer" />
        <option value="maintainer" />
        <option value="admin" />
      </datalist>
      <button type="submit" disabled={!dirty || actor.trim() === ''}>
        {identity.actor === '' ? 'Set' : 'Save'}
      </button>
    </form>
  );
}
