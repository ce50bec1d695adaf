import { useState } from 'react';
import { api } from '../api/client.js';
import type { Approval, ProjectSummary } from '../api/types.js';
import { ErrorBanner } from '../components/error-banner.js';
import { Loading } from '../components/loading.js';
import { StatusBadge } from '../components/status-badge.js';
import { usePoll } from '../hooks/use-poll.js';
import { useIdentity } from '../identity.js';
import { paths } from '../paths.js';
import { Link } from '../router.js';

export function ApprovalsPage() {
  const pending = usePoll((signal) => api<{ approvals: Approval[] }>('/api/v1/approvals?status=pending', { signal }), [], 1500);
  const recent = usePoll((signal) => api<{ approvals: Approval[] }>('/api/v1/approvals?limit=20', { signal }), [], 3000);
  const projects = usePoll((signal) => api<{ projects: ProjectSummary[] }>('/api/v1/projects', { signal }), [], 10_000);
  const nameOf = (id: number) => projects.data?.projects.find((p) => p.id === Number(id))?.name ?? `project ${id}`;
  const decided = recent.data?.approvals.filter((a) => a.status !== 'pending') ?? [];
  // Said here, not in the card: a decided request leaves the pending list, and its card with it.
  const [notice, setNotice] = useState<string>();
  const onDecided = (message: string) => {
    setNotice(message);
    pending.reload();
    recent.reload();
  };
  return (
    <>
      <h1>Approvals</h1>
      <ErrorBanner error={pending.error} />
      <p role="status" className="notice">
        {notice ?? ''}
      </p>
      <h2>Waiting for a decision</h2>
      {pending.data === undefined ? (
        <Loading what="approval requests" />
      ) : pending.data.approvals.length === 0 ? (
        <p className="muted">Nothing is waiting for approval.</p>
      ) : (
        <ul className="cards single" aria-label="Pending approval requests">
          {pending.data.approvals.map((approval) => (
            <li key={approval.id} className="card">
              <ApprovalCard approval={approval} project={nameOf(approval.projectId)} onDecided={onDecided} />
            </li>
          ))}
        </ul>
      )}
      <h2>Recently decided</h2>
      {decided.length === 0 ? (
        <p className="muted">No decisions yet.</p>
      ) : (
        <ul className="cards single" aria-label="Decided approval requests">
          {decided.map((approval) => (
            <li key={approval.id} className="card">
              <ApprovalSummary approval={approval} project={nameOf(approval.projectId)} />
              <Decisions approval={approval} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function ApprovalSummary({ approval, project }: { approval: Approval; project: string }) {
  const approvals = approval.decisions.filter((d) => d.decision === 'approve').length;
  return (
    <>
      <div className="card-head">
        <h3>
          #{approval.id} {approval.environment ? `deploy to ${approval.environment}` : `approval step`}
        </h3>
        <StatusBadge status={approval.status} />
      </div>
      <p>
        <Link href={paths.project(project)}>{project}</Link>
        {approval.runId !== null ? (
          <>
            {' · '}
            <Link href={paths.run(approval.runId)}>run {approval.runId}</Link>
            {approval.jobKey ? ` job ${approval.jobKey}` : ''}
          </>
        ) : null}
        {' · '}
        change by <strong>{approval.author}</strong> on <code>{approval.branch}</code>
      </p>
      <p className="muted">
        {approvals} of {approval.requiredApprovals} approvals
        {approval.expiresAt ? ` · expires ${new Date(approval.expiresAt).toLocaleString()}` : ''}
      </p>
      {approval.deploymentRef ? <p className="muted small">{approval.deploymentRef}</p> : null}
    </>
  );
}

function Decisions({ approval }: { approval: Approval }) {
  if (approval.decisions.length === 0) return null;
  return (
    <ul className="decisions">
      {approval.decisions.map((d) => (
        <li key={`${d.actor}-${d.decidedAt}`}>
          <StatusBadge status={d.decision === 'approve' ? 'approved' : 'rejected'} label={d.decision === 'approve' ? 'approved' : 'rejected'} /> by{' '}
          <strong>{d.actor}</strong> ({d.role}){d.comment ? `: “${d.comment}”` : ''}
        </li>
      ))}
    </ul>
  );
}

function ApprovalCard({ approval, project, onDecided }: { approval: Approval; project: string; onDecided(message: string): void }) {
  const identity = useIdentity();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && comment.trim() === '') {
      setError('Say why in the comment: a rejection needs a reason the author can act on.');
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      const result = await api<{ approval: Approval }>(`/api/v1/approvals/${approval.id}/${decision}`, {
        method: 'POST',
        body: comment.trim() === '' ? {} : { comment: comment.trim() },
      });
      setComment('');
      onDecided(`${decision === 'approve' ? 'Approved' : 'Rejected'} request #${approval.id}: it is now ${result.approval.status}.`);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };
  const commentId = `comment-${approval.id}`;
  return (
    <article aria-label={`Approval request ${approval.id}`}>
      <ApprovalSummary approval={approval} project={project} />
      {approval.reasons.length > 0 ? (
        <ul className="reasons">
          {approval.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      ) : null}
      {approval.riskScore !== null ? (
        <details>
          <summary>Risk score {approval.riskScore}</summary>
          <ul>
            {approval.riskFactors.map((factor) => (
              <li key={factor.name}>{factor.explanation}</li>
            ))}
          </ul>
        </details>
      ) : null}
      <Decisions approval={approval} />
      <label htmlFor={commentId}>Comment</label>
      <textarea id={commentId} value={comment} onChange={(e) => setComment(e.target.value)} rows={2} maxLength={2000} />
      {identity.actor === '' ? <p className="muted">Sign in at the top to decide.</p> : null}
      <ErrorBanner error={error} />
      <div className="actions">
        <button type="button" className="primary" disabled={busy || identity.actor === ''} onClick={() => decide('approve')}>
          Approve
        </button>
        <button type="button" className="danger" disabled={busy || identity.actor === ''} onClick={() => decide('reject')}>
          Reject
        </button>
      </div>
    </article>
  );
}
