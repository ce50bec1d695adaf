import { describe, expect, it } from 'vitest';
import { maskWebhookUrl } from './mask-webhook-url.js';
import { parseWebhookInput } from './webhook-input.js';

describe('parseWebhookInput', () => {
  it('defaults events to every kind and projects to none (every project), dropping duplicates', () => {
    expect(parseWebhookInput('ops', { url: 'https://hooks.slack.com/services/T/B/X' })).toEqual({
      url: 'https://hooks.slack.com/services/T/B/X',
      events: ['run.failed', 'deployment.rolled_back', 'approval.waiting'],
      projects: [],
    });
    expect(parseWebhookInput('ops', { url: 'http://127.0.0.1:9/x', events: ['run.failed', 'run.failed'], projects: ['acme/web'] })).toEqual({
      url: 'http://127.0.0.1:9/x',
      events: ['run.failed'],
      projects: ['acme/web'],
    });
  });

  it('reports every problem at once, with paths, as invalid_argument', () => {
    const attempt = () => parseWebhookInput('bad name!', { url: 'ftp://example.com/x', events: ['run.failed', 'run.exploded'], extra: 1 });
    expect(attempt).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    try {
      attempt();
    } catch (error) {
      const issues = (error as { details: { issues: { path: string; message: string }[] } }).details.issues;
      expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'events.1', 'name', 'url']);
      expect(issues.find((i) => i.path === 'url')?.message).toMatch(/http:\/\/ or https:\/\//);
      expect(issues.find((i) => i.path === 'events.1')?.message).toMatch(/run\.failed, deployment\.rolled_back, approval\.waiting/);
    }
  });

  it('refuses a missing URL, an empty event list and a non-object body', () => {
    expect(() => parseWebhookInput('ops', {})).toThrow(/url/);
    expect(() => parseWebhookInput('ops', { url: 'https://x.example', events: [] })).toThrow(/at least one event/);
    expect(() => parseWebhookInput('ops', 'https://x.example')).toThrow(/invalid webhook/);
  });
});

describe('maskWebhookUrl', () => {
  it('keeps scheme, host and port, hides the path and query that carry the credential', () => {
    expect(maskWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXX')).toBe('https://hooks.slack.com/***');
    expect(maskWebhookUrl('http://127.0.0.1:8099/?token=abc')).toBe('http://127.0.0.1:8099/***');
    expect(maskWebhookUrl('http://127.0.0.1:8099')).toBe('http://127.0.0.1:8099/');
  });
});
