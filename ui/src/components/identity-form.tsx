import { type FormEvent, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { clearIdentity, setIdentity, useIdentity } from '../identity.js';

interface Me {
  name: string;
  admin: boolean;
  teams: { team: string; role: string }[];
}

/**
 * Signing in: with an API token (the first start prints the administrator's; `slipway tokens create`
 * makes more), exchanged for an HttpOnly session cookie. Signed in, it shows who and signs out.
 */
export function IdentityForm() {
  const identity = useIdentity();
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  useEffect(() => {
    api<{ user: Me }>('/api/v1/me')
      .then(({ user }) => setIdentity({ actor: user.name, admin: user.admin, teams: user.teams }))
      .catch(() => clearIdentity());
  }, []);
  const signIn = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const answer = await api<{ user: Me; csrfToken: string }>('/api/v1/session', { method: 'POST', body: { token: token.trim() } });
      setIdentity({ actor: answer.user.name, admin: answer.user.admin, teams: answer.user.teams }, answer.csrfToken);
      setToken('');
      setProblem(undefined);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  const signOut = async () => {
    await api('/api/v1/session', { method: 'DELETE' }).catch(() => undefined);
    clearIdentity();
  };
  if (!identity.known) return null;
  if (identity.actor !== '') {
    const roles = identity.admin ? 'administrator' : identity.teams.map((team) => `${team.role} in ${team.team}`).join(', ') || 'in no team';
    return (
      <section className="identity" aria-label="Signed in">
        <span>
          <strong>{identity.actor}</strong> <span className="muted">{roles}</span>
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </section>
    );
  }
  return (
    <form className="identity" onSubmit={(event) => void signIn(event)} aria-label="Sign in">
      <label>
        <span>API token</span>
        <input name="token" type="password" value={token} onChange={(e) => setToken(e.target.value)} placeholder="slp_…" autoComplete="current-password" maxLength={200} />
      </label>
      <button type="submit" disabled={token.trim() === ''}>
        Sign in
      </button>
      {problem ? (
        <span role="alert" className="error">
          {problem}
        </span>
      ) : null}
    </form>
  );
}
