import { isIP } from 'node:net';
import { AppError, ErrorCode } from '../../errors/app-error.js';
import { type RouterBackend, type RouterWeights, type StickyOption, tracks } from './router.js';

/** A DNS label: requests find their service by the first label of their Host. */
const serviceNamePattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Safe inside HAProxy maps, headers and log lines (no spaces, no separators). */
const versionPattern = /^[A-Za-z0-9._:+-]{1,64}$/;
const tokenPattern = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

function invalid(message: string, details: Record<string, unknown>): AppError {
  return new AppError(ErrorCode.invalidArgument, message, { details });
}

export function validateServiceName(service: string): void {
  if (!serviceNamePattern.test(service)) {
    throw invalid(`router: service name "${service}" must be a DNS label (a-z, 0-9, '-', at most 63 characters)`, { service });
  }
}

export function validateBackends(service: string, backends: RouterBackend[]): void {
  validateServiceName(service);
  const ids = new Set<string>();
  for (const b of backends) {
    const where = `router: service "${service}" backend "${b.id}"`;
    if (!versionPattern.test(b.id)) throw invalid(`${where}: id must match ${versionPattern}`, { service, backend: b.id });
    if (ids.has(b.id)) throw invalid(`${where}: id is given twice; ids must be unique within a service`, { service, backend: b.id });
    ids.add(b.id);
    if (!versionPattern.test(b.version)) throw invalid(`${where}: version "${b.version}" must match ${versionPattern}`, { service, backend: b.id });
    if (!tracks.includes(b.track)) throw invalid(`${where}: track "${b.track}" must be one of ${tracks.join(', ')}`, { service, backend: b.id });
    if (isIP(b.host) === 0) throw invalid(`${where}: host "${b.host}" must be an IP address, not a name`, { service, backend: b.id });
    if (!Number.isInteger(b.port) || b.port < 1 || b.port > 65535) throw invalid(`${where}: port ${b.port} must be 1..65535`, { service, backend: b.id });
  }
}

export function validateWeights(service: string, weights: RouterWeights): void {
  validateServiceName(service);
  for (const [key, weight] of Object.entries(weights)) {
    if (!versionPattern.test(key)) throw invalid(`router: service "${service}": weight key "${key}" must be a version or a track`, { service, key });
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight < 0 || weight > 100) {
      throw invalid(`router: service "${service}": weight of "${key}" is ${weight}; it must be a number from 0 to 100`, { service, key });
    }
  }
}

export function validateSticky(sticky: StickyOption | undefined): void {
  if (!sticky) return;
  const name = 'cookie' in sticky ? sticky.cookie : sticky.header;
  if (!tokenPattern.test(name)) throw invalid(`router: sticky ${'cookie' in sticky ? 'cookie' : 'header'} name "${name}" is not a valid token`, { name });
}
