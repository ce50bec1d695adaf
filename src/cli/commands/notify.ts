import type { Command } from 'commander';
import { resolveServerUrl } from '../api-client.js';
import { formatAge, formatTable } from '../format-table.js';
import { addIdentityOptions, type IdentityOptions, readCliIdentity } from '../identity-option.js';
import type { CommandResult } from '../main.js';
import { createNotifyApiClient, type NotifyApiClient } from '../notify-api-client.js';
import { addServerOption } from '../server-option.js';
import { parsePositiveInt } from './parse-number.js';
import { collect, parseList } from './parse-environment-flags.js';

interface AddOptions extends IdentityOptions {
  event?: string[][];
  project?: string[][];
}

interface DeliveriesOptions extends IdentityOptions {
  webhook?: string;
  status?: string;
  limit?: number;
}

const eventKinds = 'run.failed, deployment.rolled_back, approval.waiting';

/** The environment is read here, at the CLI edge, as deployClientFor does. */
function notifyClientFor(options: IdentityOptions): NotifyApiClient {
  return createNotifyApiClient(resolveServerUrl(options.server, process.env), readCliIdentity(options));
}

/** `slipway notify add|list|remove|deliveries`: webhooks that get alert notifications (Slack-compatible JSON). */
export function registerNotifyCommand(program: Command, result: CommandResult): void {
  const notify = program
    .command('notify')
    .summary('manage the webhooks that get alert notifications (Slack-compatible)')
    .description(
      `Webhooks receive a Slack-compatible JSON message ({text, blocks, event}) for: ${eventKinds}. ` +
        'Failed runs count on the project\'s default branch only. Delivery is retried with backoff, and a ' +
        'failing endpoint is paused by a circuit breaker; it never slows a run or a rollback. Changing ' +
        'webhooks needs an administrator.',
    )
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  slipway notify add ops https://hooks.slack.com/services/T000/B000/XXXX\n' +
        '  slipway notify add web-prod https://chat.example/hook --event deployment.rolled_back --project acme/web\n' +
        '  slipway notify list\n' +
        '  slipway notify deliveries --webhook ops --status failed\n' +
        '  slipway notify remove ops\n',
    );

  addIdentityOptions(
    addServerOption(
      notify
        .command('add')
        .argument('<name>', 'the webhook\'s name, e.g. ops (letters, digits, ., _, -)')
        .argument('<url>', 'where to POST: an http(s) URL, e.g. a Slack incoming webhook')
        .summary('add a webhook, or replace the one of that name')
        .option('--event <kinds>', `event kinds, comma-separated or repeated (default all: ${eventKinds})`, collect(parseList))
        .option('--project <names>', 'only these projects, comma-separated or repeated (default every project)', collect(parseList)),
    ),
  ).action(async (name: string, url: string, options: AddOptions) => {
    const events = options.event?.flat();
    const projects = options.project?.flat();
    const { webhook, created } = await notifyClientFor(options).putWebhook(name, {
      url,
      ...(events === undefined ? {} : { events }),
      ...(projects === undefined ? {} : { projects }),
    });
    process.stdout.write(`${created ? 'added' : 'replaced'} webhook ${name} → ${webhook.url}: ${webhook.events.join(', ')} for ${describeProjects(webhook.projects)}\n`);
    result.exitCode = 0;
  });

  addServerOption(notify.command('list').summary('list the webhooks, with their circuit breaker on this server')).action(async (options: IdentityOptions) => {
    const webhooks = await notifyClientFor(options).listWebhooks();
    if (webhooks.length === 0) {
      process.stdout.write('no notification webhooks: add one with `slipway notify add NAME URL`\n');
    } else {
      const now = Date.now();
      const rows = webhooks.map((w) => [
        w.name, w.url, w.events.join(','), describeProjects(w.projects), w.breaker?.state ?? '-', `${w.updatedBy}, ${formatAge(w.updatedAt, now)} ago`,
      ]);
      process.stdout.write(`${formatTable(['NAME', 'URL', 'EVENTS', 'PROJECTS', 'BREAKER', 'UPDATED'], rows)}\n`);
    }
    result.exitCode = 0;
  });

  addIdentityOptions(
    addServerOption(notify.command('remove').alias('rm').argument('<name>', 'the webhook').summary('remove a webhook and its queued deliveries')),
  ).action(async (name: string, options: IdentityOptions) => {
    await notifyClientFor(options).deleteWebhook(name);
    process.stdout.write(`removed webhook ${name}\n`);
    result.exitCode = 0;
  });

  addServerOption(
    notify
      .command('deliveries')
      .summary('recent deliveries, newest first: attempts, last error, delivered at')
      .option('--webhook <name>', 'only this webhook\'s')
      .option('--status <status>', 'pending, delivered or failed')
      .option('--limit <count>', 'at most this many (default 100)', parsePositiveInt),
  ).action(async (options: DeliveriesOptions) => {
    const deliveries = await notifyClientFor(options).listDeliveries({ webhook: options.webhook, status: options.status, limit: options.limit });
    if (deliveries.length === 0) {
      process.stdout.write('no deliveries\n');
    } else {
      const now = Date.now();
      const rows = deliveries.map((d) => [
        String(d.id), d.webhook, d.kind, d.subject, d.status, String(d.attempts),
        d.deliveredAt ? `${formatAge(d.deliveredAt, now)} ago` : d.nextAttemptAt ? `next in ${formatAge(new Date(now).toISOString(), Date.parse(d.nextAttemptAt))}` : '-',
        d.lastError ?? '',
      ]);
      process.stdout.write(`${formatTable(['ID', 'WEBHOOK', 'EVENT', 'SUBJECT', 'STATUS', 'ATTEMPTS', 'WHEN', 'LAST ERROR'], rows)}\n`);
    }
    result.exitCode = 0;
  });
}

function describeProjects(projects: string[]): string {
  return projects.length === 0 ? 'every project' : projects.join(',');
}
