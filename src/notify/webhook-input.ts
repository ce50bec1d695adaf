import { z } from 'zod';
import { AppError, ErrorCode } from '../errors/app-error.js';
import { type NotificationEventKind, notificationEventKinds } from './notification-event.js';

/** Webhook names: what `slipway notify remove NAME` takes; the same alphabet as environments. */
export const webhookNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** A webhook as maintainers set it: where to post, which event kinds, and optionally which projects. */
export interface WebhookInput {
  url: string;
  events: NotificationEventKind[];
  /** Empty: every project. */
  projects: string[];
}

const httpUrl = z
  .string()
  .max(2000)
  .refine((text) => {
    try {
      const url = new URL(text);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, { message: 'expected an http:// or https:// URL, e.g. https://hooks.slack.com/services/T000/B000/XXXX' });

export const webhookSchema = z.strictObject({
  url: httpUrl,
  events: z
    .array(z.enum(notificationEventKinds, { message: `expected one of ${notificationEventKinds.join(', ')}` }))
    .min(1, { message: `name at least one event: ${notificationEventKinds.join(', ')}` })
    .optional(),
  projects: z.array(z.string().min(1).max(200)).max(100).optional(),
});

/**
 * Validates a PUT body. Every problem is reported at once, as `details.issues` [{path, message}], in
 * an invalid_argument the API answers with 400. events defaults to every kind; duplicates are dropped.
 */
export function parseWebhookInput(name: string, body: unknown): WebhookInput {
  const issues: { path: string; message: string }[] = [];
  if (!webhookNamePattern.test(name)) {
    issues.push({ path: 'name', message: 'expected a letter or digit, then up to 62 letters, digits, ., _ or -' });
  }
  const parsed = webhookSchema.safeParse(body ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) issues.push({ path: issue.path.join('.') || '(body)', message: issue.message });
  }
  if (issues.length > 0 || !parsed.success) {
    throw new AppError(
      ErrorCode.invalidArgument,
      `invalid webhook ${JSON.stringify(name)}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { details: { issues }, ...(parsed.success ? {} : { cause: parsed.error }) },
    );
  }
  return {
    url: parsed.data.url,
    events: [...new Set(parsed.data.events ?? notificationEventKinds)],
    projects: [...new Set(parsed.data.projects ?? [])],
  };
}
