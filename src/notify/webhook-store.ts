import type { Clock } from '../clock/clock.js';
import type { Db } from '../store/index.js';
import type { NotificationEventKind } from './notification-event.js';
import type { WebhookInput } from './webhook-input.js';

export interface Webhook {
  id: number;
  name: string;
  url: string;
  events: NotificationEventKind[];
  projects: string[];
  source: 'api' | 'env';
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

const webhookColumns = `id, name, url, events, projects, source, created_by AS "createdBy", updated_by AS "updatedBy",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const toWebhook = (row: Webhook): Webhook => ({ ...row, id: Number(row.id) });

export async function getWebhook(db: Db, name: string): Promise<Webhook | undefined> {
  const { rows } = await db.query<Webhook>(`SELECT ${webhookColumns} FROM notification_webhooks WHERE name = $1`, [name]);
  return rows[0] && toWebhook(rows[0]);
}

export async function listWebhooks(db: Db): Promise<Webhook[]> {
  const { rows } = await db.query<Webhook>(`SELECT ${webhookColumns} FROM notification_webhooks ORDER BY name`);
  return rows.map(toWebhook);
}

/** Creates or replaces a webhook; `created` tells which. Deliveries already queued keep going to it. */
export async function putWebhook(
  db: Db,
  clock: Clock,
  input: WebhookInput & { name: string; actor: string; source?: 'api' | 'env' },
): Promise<{ webhook: Webhook; created: boolean }> {
  const now = new Date(clock.now());
  const { rows } = await db.query<Webhook & { created: boolean }>(
    `INSERT INTO notification_webhooks (name, url, events, projects, source, created_by, updated_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $7)
     ON CONFLICT (name) DO UPDATE SET url = EXCLUDED.url, events = EXCLUDED.events, projects = EXCLUDED.projects,
       source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
     RETURNING ${webhookColumns}, (xmax = 0) AS created`,
    [input.name, input.url, input.events, input.projects, input.source ?? 'api', input.actor, now],
  );
  const { created, ...webhook } = rows[0]!;
  return { webhook: toWebhook(webhook), created };
}

/** Deletes a webhook and its queued deliveries; false when there was none. */
export async function deleteWebhook(db: Db, name: string): Promise<boolean> {
  const { rowCount } = await db.query('DELETE FROM notification_webhooks WHERE name = $1', [name]);
  return rowCount > 0;
}
