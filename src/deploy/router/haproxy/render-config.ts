import type { StickyOption } from '../router.js';
import { versionHeader } from '../router.js';
import { type HaproxyFiles, serverSlotName, serviceSlotName } from './slot-names.js';

export interface HaproxyConfigInput {
  files: HaproxyFiles;
  port: number;
  /** UDP port on 127.0.0.1 where Node reads the request log. */
  logPort: number;
  serviceSlots: number;
  serverSlots: number;
  sticky?: StickyOption;
  /** Backend for a Host that names no service; default: a 404. */
  defaultServiceSlot?: number;
  connectTimeoutMs: number;
  serverTimeoutMs: number;
}

/** The fields parse-log-line.ts reads, in order; `slipway` marks request lines among HAProxy's own. */
export const logFormat = 'slipway %b %s %ST %Ta %Tr %ts %[var(txn.slipway_version)] %[var(txn.slipway_track)]';

/** haproxy.cfg for one router. Pure: the same input gives the same text (tested). */
export function renderHaproxyConfig(input: HaproxyConfigInput): string {
  const { files } = input;
  const fallback = input.defaultServiceSlot === undefined ? '' : `,${serviceSlotName(input.defaultServiceSlot)}`;
  const lines = [
    'global',
    `  stats socket ${files.adminSocketPath} mode 600 level admin`,
    // One thread is plenty for thousands of requests per second on loopback and keeps a busy 2-core host calm.
    '  nbthread 1',
    `  log 127.0.0.1:${input.logPort} len 2048 format raw local0 info`,
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option dontlognull',
    `  log-format "${logFormat}"`,
    `  timeout connect ${input.connectTimeoutMs}ms`,
    '  timeout client 60s',
    `  timeout server ${input.serverTimeoutMs}ms`,
    '  timeout http-keep-alive 60s',
    // One retry, moved to another server when there is one: a dead replica costs a request one retry delay, not a failure.
    '  retries 1',
    '  option redispatch',
    '',
    'frontend slipway',
    `  bind 127.0.0.1:${input.port}`,
    `  use_backend %[req.hdr(host),field(1,:),field(1,.),lower,map(${files.servicesMapPath}${fallback})]`,
    '  default_backend slipway_unknown_service',
    '',
    'backend slipway_unknown_service',
    '  http-request return status 404 content-type text/plain string "slipway router: no service is named by the Host header (its first label names the service)"',
  ];
  for (let i = 0; i < input.serviceSlots; i++) {
    lines.push('', `backend ${serviceSlotName(i)}`, '  balance roundrobin');
    if (input.sticky && 'cookie' in input.sticky) lines.push(`  cookie ${input.sticky.cookie} insert indirect nocache httponly`);
    if (input.sticky && 'header' in input.sticky) {
      lines.push('  stick-table type string len 128 size 100k expire 24h', `  stick on req.hdr(${input.sticky.header})`);
    }
    lines.push(
      `  http-response set-var(txn.slipway_version) srv_name,map(${files.versionsMapPath})`,
      `  http-response set-var(txn.slipway_track) srv_name,map(${files.tracksMapPath})`,
      `  http-response set-header ${versionHeader} %[var(txn.slipway_version)]`,
    );
    for (let j = 0; j < input.serverSlots; j++) {
      const name = serverSlotName(i, j);
      // Port 1 is a placeholder: a slot is in maintenance until the runtime API gives it an address.
      const cookie = input.sticky && 'cookie' in input.sticky ? ` cookie ${name}` : '';
      lines.push(`  server ${name} 127.0.0.1:1 disabled weight 0${cookie}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Every server slot -> "-", so the runtime API can always `set map` (it only adds with `add map`). */
export function renderSlotMap(serviceSlots: number, serverSlots: number): string {
  const lines: string[] = [];
  for (let i = 0; i < serviceSlots; i++) for (let j = 0; j < serverSlots; j++) lines.push(`${serverSlotName(i, j)} -`);
  return `${lines.join('\n')}\n`;
}
