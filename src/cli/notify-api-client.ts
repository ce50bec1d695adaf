import { type CliIdentity, createIdentityRequest } from './deploy-api-client.js';

/** A notification webhook as the API shows it (url masked, dates as ISO strings). */
export interface ApiWebhook {
  name: string;
  url: string;
  events: string[];
  projects: string[];
  source: 'api' | 'env';
  createdBy: string;
  updatedBy: string;
  createdAt: string;
  updatedAt: string;
  breaker: { state: string; consecutiveFailures: number } | null;
}

export interface ApiDelivery {
  id: number;
  webhook: string;
  kind: string;
  subject: string;
  project: string;
  status: string;
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  lastStatusCode: number | null;
  deliveredAt: string | null;
  createdAt: string;
}

export interface NotifyApiClient {
  putWebhook(name: string, input: { url: string; events?: string[]; projects?: string[] }): Promise<{ webhook: ApiWebhook; created: boolean }>;
  listWebhooks(): Promise<ApiWebhook[]>;
  deleteWebhook(name: string): Promise<void>;
  listDeliveries(query: { webhook?: string; status?: string; limit?: number }): Promise<ApiDelivery[]>;
}

/** The notification routes (src/api/notification-routes.ts). */
export function createNotifyApiClient(baseUrl: string, identity: CliIdentity): NotifyApiClient {
  const request = createIdentityRequest(baseUrl, identity);
  const webhookPath = (name: string) => `/api/v1/notifications/webhooks/${encodeURIComponent(name)}`;
  return {
    putWebhook: async (name, input) => {
      const response = await request('PUT', webhookPath(name), input);
      const { webhook } = (await response.json()) as { webhook: ApiWebhook };
      return { webhook, created: response.status === 201 };
    },
    listWebhooks: async () => ((await (await request('GET', '/api/v1/notifications/webhooks')).json()) as { webhooks: ApiWebhook[] }).webhooks,
    deleteWebhook: async (name) => {
      await request('DELETE', webhookPath(name));
    },
    listDeliveries: async (query) => {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const text = params.toString();
      return ((await (await request('GET', `/api/v1/notifications/deliveries${text === '' ? '' : `?${text}`}`)).json()) as { deliveries: ApiDelivery[] }).deliveries;
    },
  };
}
