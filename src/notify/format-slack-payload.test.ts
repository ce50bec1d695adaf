import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, formatSlackPayload } from './format-slack-payload.js';

const baseUrl = 'http://ci.example:8080';

describe('formatSlackPayload', () => {
  it('a failed run: text with a run link, blocks, and the raw fields under event', () => {
    const fields = {
      runId: 42, runNumber: 7, project: 'acme/web', ref: 'refs/heads/main', commitSha: 'abcdef0123456789abcd', pipelineName: 'ci', author: 'ana',
      finishedAt: '2026-11-20T10:00:00.000Z', failedJobs: [{ jobKey: 'test', message: 'expected <a> & got <b>' }],
    };
    const payload = formatSlackPayload(5, { kind: 'run.failed', fields }, { baseUrl });
    expect(payload.text).toBe(':red_circle: acme/web <http://ci.example:8080/runs/42|run #7> (ci) failed on refs/heads/main');
    expect(payload.blocks[0]).toEqual({ type: 'section', text: { type: 'mrkdwn', text: payload.text } });
    expect(payload.blocks[1]).toEqual({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: 'commit `abcdef012345` by ana' },
        { type: 'mrkdwn', text: '`test`: expected &lt;a&gt; &amp; got &lt;b&gt;' },
      ],
    });
    expect(payload.event).toEqual({ kind: 'run.failed', id: 5, ...fields });
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('a rollback: names the release traffic went back to and links the deployment', () => {
    const payload = formatSlackPayload(6, {
      kind: 'deployment.rolled_back',
      fields: {
        deploymentId: 9, project: 'acme/web', environment: 'production', service: 'web', version: 'v2', stableVersion: 'v1', status: 'failed',
        deploymentKind: 'deploy', reason: 'canary engine decision 3 ROLLBACK', abortRequestedBy: null, finishedAt: '2026-11-20T10:00:00.000Z',
      },
    }, { baseUrl });
    expect(payload.text).toBe(':rewind: acme/web production: web rolled back to v1 (<http://ci.example:8080/deployments/9|deployment 9>)');
    expect(payload.blocks[1]).toMatchObject({ elements: [{ text: 'rollout of v2 ended failed: canary engine decision 3 ROLLBACK' }] });
    expect(payload.event).toMatchObject({ kind: 'deployment.rolled_back', deploymentKind: 'deploy', deploymentId: 9 });
  });

  it('an approval waiting: the gate, its run, and the command that decides it', () => {
    const payload = formatSlackPayload(7, {
      kind: 'approval.waiting',
      fields: {
        approvalId: 3, project: 'acme/web', environment: 'production', runId: 42, jobKey: 'deploy', branch: 'main', author: 'ana',
        requiredApprovals: 1, riskScore: 40, reasons: [], expiresAt: null, createdAt: '2026-11-20T10:00:00.000Z',
      },
    }, { baseUrl });
    expect(payload.text).toBe(
      ':hourglass: acme/web: deployment to production in <http://ci.example:8080/runs/42|run 42> waits for 1 approval (<http://ci.example:8080/approvals/3|approval 3>)',
    );
    expect(payload.blocks[1]).toMatchObject({ elements: [{ text: 'branch main, author ana, risk 40/100' }, { text: '`slipway approve 3`' }] });
  });

  it('escapes the three mrkdwn control characters only', () => {
    expect(escapeMrkdwn('a<b>&c *d* _e_')).toBe('a&lt;b&gt;&amp;c *d* _e_');
  });
});
