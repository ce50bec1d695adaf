import { createServer, type IncomingMessage } from 'node:http';
import { gunzipSync } from 'node:zlib';

/** One span as a collector received it, decoded from OTLP/JSON. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Absent (or empty in the wire format) for a root span. */
  parentSpanId?: string;
  name: string;
  /** Milliseconds since the epoch, with the nanoseconds' fraction. */
  startMs: number;
  endMs: number;
  /** 0 unset, 1 ok, 2 error (OTLP's StatusCode). */
  status: { code: number; message?: string };
  attributes: Record<string, unknown>;
  /** The resource's attributes (service.name, service.version). */
  resource: Record<string, unknown>;
  scope: string;
}

export interface OtlpReceiver {
  /** http://127.0.0.1:<port>; the exporter posts to <url>/v1/traces. */
  url: string;
  /** Every span received, in arrival order. */
  spans: ReceivedSpan[];
  /** POST /v1/traces requests answered. */
  requests: number;
  /** While true, every request's connection is cut before an answer (a collector that is down). */
  failing: boolean;
  /** Requests cut while failing. */
  refused: number;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; boolValue?: boolean; intValue?: number | string; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
interface TracesRequest {
  resourceSpans?: {
    resource?: { attributes?: KeyValue[] };
    scopeSpans?: {
      scope?: { name?: string };
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        startTimeUnixNano: string | number;
        endTimeUnixNano: string | number;
        attributes?: KeyValue[];
        status?: { code?: number; message?: string };
      }[];
    }[];
  }[];
}

/**
 * A loopback OTLP/HTTP traces receiver: a real node:http server that accepts POST /v1/traces with an
 * OTLP/JSON body (the OTLP/HTTP exporter's default; gzip too) and answers as a collector does. Anything
 * else (protobuf included) is answered 415 and recorded nowhere, so a test that expects spans fails.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const receiver: OtlpReceiver = { url: '', spans: [], requests: 0, failing: false, refused: 0, close: async () => {} };
  const server = createServer((request, response) => {
    if (receiver.failing) {
      receiver.refused += 1;
      request.socket.destroy();
      return;
    }
    void (async () => {
      const body = await readBody(request);
      if (request.method !== 'POST' || request.url !== '/v1/traces' || !String(request.headers['content-type']).startsWith('application/json')) {
        response.writeHead(request.url === '/v1/traces' ? 415 : 404).end();
        return;
      }
      const text = (request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8');
      receiver.spans.push(...decodeTracesRequest(JSON.parse(text) as TracesRequest));
      receiver.requests += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    })();
  });
  const port = await new Promise<number>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  receiver.url = `http://127.0.0.1:${port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export function decodeTracesRequest(request: TracesRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = decodeAttributes(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
          status: { code: span.status?.code ?? 0, ...(span.status?.message ? { message: span.status.message } : {}) },
          attributes: decodeAttributes(span.attributes),
          resource,
          scope: scopeSpans.scope?.name ?? '',
        });
      }
    }
  }
  return spans;
}

function nanosToMs(nanos: string | number): number {
  const value = BigInt(nanos);
  return Number(value / 1_000_000n) + Number(value % 1_000_000n) / 1e6;
}

function decodeAttributes(attributes: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((attributes ?? []).map(({ key, value }) => [key, decodeValue(value)]));
}

function decodeValue(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(decodeValue);
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
