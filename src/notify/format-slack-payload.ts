import type { NotificationEventFields, NotificationEventKind } from './notification-event.js';

/** What a webhook receives: Slack's incoming-webhook shape, plus the raw event for other consumers. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
  event: { kind: NotificationEventKind; id: number } & Record<string, unknown>;
}

export type SlackBlock =
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

export interface FormatSlackOptions {
  /** The server's base URL (no trailing slash) the links point into, e.g. http://ci.example:8080. */
  baseUrl: string;
}

/**
 * The message of one event. `text` is the notification line (and what clients without blocks show);
 * blocks repeat it with a context line. Slack mrkdwn: `<url|label>` links, and &, <, > escaped in
 * everything that came from users (refs, reasons, job names).
 */
export function formatSlackPayload(eventId: number, event: NotificationEventFields, options: FormatSlackOptions): SlackPayload {
  const { headline, context } = describe(event, options.baseUrl);
  return {
    text: headline,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: headline } },
      { type: 'context', elements: context.map((text) => ({ type: 'mrkdwn' as const, text })) },
    ],
    event: { kind: event.kind, id: eventId, ...event.fields },
  };
}

function describe(event: NotificationEventFields, baseUrl: string): { headline: string; context: string[] } {
  switch (event.kind) {
    case 'run.failed': {
      const f = event.fields;
      const run = link(`${baseUrl}/runs/${f.runId}`, `run #${f.runNumber}`);
      const jobs = f.failedJobs.map((job) => `\`${escapeMrkdwn(job.jobKey)}\`: ${escapeMrkdwn(truncate(job.message, 200))}`);
      return {
        headline: `:red_circle: ${escapeMrkdwn(f.project)} ${run} (${escapeMrkdwn(f.pipelineName)}) failed on ${escapeMrkdwn(f.ref)}`,
        context: [
          `commit ${f.commitSha ? `\`${f.commitSha.slice(0, 12)}\`` : 'unknown'}${f.author ? ` by ${escapeMrkdwn(f.author)}` : ''}`,
          ...(jobs.length > 0 ? jobs : ['no job failure recorded']),
        ],
      };
    }
    case 'deployment.rolled_back': {
      const f = event.fields;
      const deployment = link(`${baseUrl}/deployments/${f.deploymentId}`, `deployment ${f.deploymentId}`);
      const target = f.deploymentKind === 'rollback' ? f.version : (f.stableVersion ?? 'the previous release');
      return {
        headline: `:rewind: ${escapeMrkdwn(f.project)} ${escapeMrkdwn(f.environment)}: ${escapeMrkdwn(f.service)} rolled back to ${escapeMrkdwn(target)} (${deployment})`,
        context: [
          `${f.deploymentKind === 'rollback' ? 'rollback deployment' : `rollout of ${escapeMrkdwn(f.version)}`} ended ${f.status}: ${escapeMrkdwn(truncate(f.reason, 300))}`,
          ...(f.abortRequestedBy ? [`requested by ${escapeMrkdwn(f.abortRequestedBy)}`] : []),
        ],
      };
    }
    case 'approval.waiting': {
      const f = event.fields;
      const approval = link(`${baseUrl}/approvals/${f.approvalId}`, `approval ${f.approvalId}`);
      const where = f.environment ? `deployment to ${escapeMrkdwn(f.environment)}` : `approval step${f.jobKey ? ` of \`${escapeMrkdwn(f.jobKey)}\`` : ''}`;
      const run = f.runId === null ? '' : ` in ${link(`${baseUrl}/runs/${f.runId}`, `run ${f.runId}`)}`;
      return {
        headline: `:hourglass: ${escapeMrkdwn(f.project)}: ${where}${run} waits for ${f.requiredApprovals} approval${f.requiredApprovals === 1 ? '' : 's'} (${approval})`,
        context: [
          `branch ${escapeMrkdwn(f.branch)}, author ${escapeMrkdwn(f.author)}${f.riskScore === null ? '' : `, risk ${f.riskScore}/100`}`,
          `\`slipway approve ${f.approvalId}\`${f.expiresAt ? ` before ${f.expiresAt}` : ''}`,
        ],
      };
    }
  }
}

/** Slack's mrkdwn control characters; everything else is shown as is. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function link(url: string, label: string): string {
  return `<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`;
}

function truncate(text: string, maxChars: number): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}
