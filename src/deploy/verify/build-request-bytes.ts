/**
 * The bytes of one HTTP/1.1 request, built once per path and written as they are for every request:
 * serializing headers per request was a large part of node:http's cost per request.
 */

export interface RequestSpec {
  method: string;
  /** Absolute http:// URL; only its host, port, path and query are used. */
  url: URL;
  headers: Readonly<Record<string, string>>;
  body: string | undefined;
}

/** Methods whose request without a body still announces `Content-Length: 0`, as node:http does. */
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** The header name and value characters node:http accepts; anything else (CR, LF) could split the request. */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export function buildRequestBytes(spec: RequestSpec): Buffer {
  const given = new Set(Object.keys(spec.headers).map((name) => name.toLowerCase()));
  const lines = [`${spec.method} ${spec.url.pathname}${spec.url.search} HTTP/1.1`];
  if (!given.has('host')) lines.push(`Host: ${spec.url.host}`);
  for (const [name, value] of Object.entries(spec.headers)) {
    if (!HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
      throw new TypeError(`header ${JSON.stringify(name)} has a character not allowed in a header`);
    }
    lines.push(`${name}: ${value}`);
  }
  if (!given.has('user-agent')) lines.push('User-Agent: slipway-loadtest');
  const body = spec.body === undefined ? undefined : Buffer.from(spec.body, 'utf8');
  if (!given.has('content-length') && !given.has('transfer-encoding')) {
    if (body !== undefined) lines.push(`Content-Length: ${body.length}`);
    else if (BODY_METHODS.has(spec.method)) lines.push('Content-Length: 0');
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
  return body === undefined ? head : Buffer.concat([head, body]);
}
