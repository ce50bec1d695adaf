import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { appendAuditEntry } from '../audit/index.js';
import type { Clock } from '../clock/clock.js';
import { maintainerRoles } from '../deploy/environments/index.js';
import { AppError, ErrorCode } from '../errors/app-error.js';
import {
  type BreakerState,
  deleteWebhook,
  deliveryStatuses,
  envWebhookName,
  getWebhook,
  listDeliveries,
  listWebhooks,
  maskWebhookUrl,
  parseWebhookInput,
  putWebhook,
  type Webhook,
} from '../notify/index.js';
import type { Db } from '../store/index.js';
import { parseBody } from './agents/parse-body.js';
import { readRequestIdentity } from './request-identity.js';

export interface NotificationRouteDeps {
  db: Db;
  clock: Clock;
  /** This server's circuit breaker of a webhook (notify/createNotifier); absent when no notifier runs here. */
  readBreaker?: (webhookId: number) => BreakerState | undefined;
}

export const nameParams = z.object({ name: z.string().min(1).max(200) });
export const deliveriesQuery = z.object({
  webhook: z.string().min(1).max(200).optional(),
  status: z.enum(deliveryStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
const recentDeliveries = 20;

/**
 * Notification webhooks (maintainers change them; every change is audited) and their deliveries.
 * URLs are shown masked (maskWebhookUrl): a webhook's path is its credential.
 */
export function registerNotificationRoutes(app: FastifyInstance, deps: NotificationRouteDeps): void {
  const { db, clock } = deps;
  const present = (webhook: Webhook) => {
    const { id, url, ...shown } = webhook;
    return { ...shown, url: maskWebhookUrl(url), breaker: deps.readBreaker?.(id) ?? null };
  };
  const existing = async (name: string): Promise<Webhook> => {
    const webhook = await getWebhook(db, name);
    if (!webhook) throw new AppError(ErrorCode.notFound, `no notification webhook ${name}: list them with \`slipway notify list\``);
    return webhook;
  };
  const changeable = (actor: string, role: string, name: string) => {
    if (!maintainerRoles.includes(role)) {
      throw new AppError(ErrorCode.permissionDenied, `${actor} has role ${role}: only ${maintainerRoles.join(' or ')} may change notification webhooks`, {
        details: { reason: 'not_a_maintainer', actor, role },
      });
    }
    if (name === envWebhookName) {
      throw new AppError(ErrorCode.failedPrecondition, `webhook ${envWebhookName} is SLIPWAY_NOTIFY_WEBHOOK_URL's: change or unset that variable and restart the server`);
    }
  };
  const audited = (webhook: Webhook) => ({ url: maskWebhookUrl(webhook.url), events: webhook.events, projects: webhook.projects });

  app.put('/api/v1/notifications/webhooks/:name', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    const { name } = parseBody(nameParams, request.params, 'webhook path');
    changeable(actor, role, name);
    const input = parseWebhookInput(name, request.body);
    const { webhook, created } = await db.transaction(async (tx) => {
      const before = await getWebhook(tx, name);
      const put = await putWebhook(tx, clock, { ...input, name, actor });
      await appendAuditEntry(tx, {
        actor, role, action: 'notification_webhook.put', subject: { type: 'notification_webhook', id: name },
        before: before && audited(before), after: audited(put.webhook),
      }, { clock });
      return put;
    });
    void reply.status(created ? 201 : 200);
    return { webhook: present(webhook) };
  });

  app.get('/api/v1/notifications/webhooks', async () => ({ webhooks: (await listWebhooks(db)).map(present) }));

  app.get('/api/v1/notifications/webhooks/:name', async (request) => {
    const { name } = parseBody(nameParams, request.params, 'webhook path');
    const webhook = await existing(name);
    return { webhook: present(webhook), deliveries: await listDeliveries(db, { webhook: name, limit: recentDeliveries }) };
  });

  app.delete('/api/v1/notifications/webhooks/:name', async (request, reply) => {
    const { actor, role } = readRequestIdentity(request);
    const { name } = parseBody(nameParams, request.params, 'webhook path');
    changeable(actor, role, name);
    const webhook = await existing(name);
    await db.transaction(async (tx) => {
      await deleteWebhook(tx, name);
      await appendAuditEntry(tx, {
        actor, role, action: 'notification_webhook.delete', subject: { type: 'notification_webhook', id: name }, before: audited(webhook),
      }, { clock });
    });
    void reply.status(204);
  });

  app.get('/api/v1/notifications/deliveries', async (request) => {
    const query = parseBody(deliveriesQuery, request.query, 'delivery list query');
    return { deliveries: await listDeliveries(db, query) };
  });
}
