/**
 * HAProxy cannot add backends at runtime, so the generated config pre-declares service slots (backends),
 * each with server slots; Node assigns services and replicas to slots and drives them with `set server`
 * and `set map` only, never reloading. Slots rather than `add server`/`del server`: a slot's name is its
 * fixed sticky-cookie value, and no server has to be drained before it can be deleted.
 */
export function serviceSlotName(serviceSlot: number): string {
  return `svc${serviceSlot}`;
}

/** Unique across backends, so one map keyed by server name serves them all. */
export function serverSlotName(serviceSlot: number, serverSlot: number): string {
  return `svc${serviceSlot}s${serverSlot}`;
}

export interface HaproxyFiles {
  configPath: string;
  adminSocketPath: string;
  /** Host's first label -> service slot (backend) name. */
  servicesMapPath: string;
  /** Server slot name -> version, for the response header and the request log. */
  versionsMapPath: string;
  /** Server slot name -> track, for the request log. */
  tracksMapPath: string;
}
