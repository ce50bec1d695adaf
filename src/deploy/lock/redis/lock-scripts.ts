/**
 * Lua scripts of the Redis deploy lock. Each runs atomically on the server, which is what makes
 * check-then-act (is it mine? is it my turn?) safe without a transaction. Times come from the server's
 * TIME, the same clock PX expiry uses, so the client's clock never enters the picture.
 *
 * Keys of one lock key K under prefix P: P lock:K (the lease, "token:holder", PX ttl), P token:K (INCR
 * counter of fencing tokens, never expires so tokens never go back), P queue:K (sorted set of waiter
 * ids by arrival), P waiters:K (hash id -> JSON {h: holder, a: alive-until ms, s: superseded by}),
 * P seq:K (INCR counter of waiter ids). Single instance only: all keys are passed as KEYS, but they do
 * not share a hash slot, so a cluster would refuse the scripts.
 */

const nowMs = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Queue keys live as long as their longest-lived waiter could, then vanish on their own. */
const keepAtLeast = `
local function keep(key, ms)
  if redis.call('PTTL', key) < ms then redis.call('PEXPIRE', key, ms) end
end
`;

/**
 * KEYS lock, token, queue, waiters; ARGV holder, ttlMs, waiter id ('' for a caller that does not
 * queue), livenessMs. Returns {'acquired', token, expiresAtMs} | {'waiting'} | {'superseded', by} |
 * {'gone'}. Waiters queued earlier that are alive and not superseded go first. Each poll walks the
 * waiters ahead, O(queue length): fine for the handful of deployments that queue per environment.
 */
export const acquireInTurnLua = `${nowMs}${keepAtLeast}
local me = ARGV[3]
local liveness = tonumber(ARGV[4])
local upTo = '+inf'
if me ~= '' then
  local raw = redis.call('HGET', KEYS[4], me)
  if not raw then return {'gone'} end
  local w = cjson.decode(raw)
  if w.s then
    redis.call('HDEL', KEYS[4], me)
    redis.call('ZREM', KEYS[3], me)
    return {'superseded', w.s}
  end
  w.a = now + liveness
  redis.call('HSET', KEYS[4], me, cjson.encode(w))
  keep(KEYS[3], 2 * liveness)
  keep(KEYS[4], 2 * liveness)
  upTo = '(' .. me
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', upTo)) do
  local raw = redis.call('HGET', KEYS[4], id)
  if raw then
    local w = cjson.decode(raw)
    if not w.s and w.a > now then return {'waiting'} end
  end
end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'waiting'} end
-- INCR only once the lock is known to be free, so tokens count acquisitions.
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'NX', 'PX', ARGV[2])
if me ~= '' then
  redis.call('HDEL', KEYS[4], me)
  redis.call('ZREM', KEYS[3], me)
end
return {'acquired', token, now + tonumber(ARGV[2])}
`;

/**
 * KEYS queue, waiters, seq; ARGV holder, livenessMs, supersede ('1' | '0'). Drops dead waiters,
 * marks the others superseded when asked, appends the new waiter and returns its id.
 */
export const joinQueueLua = `${nowMs}${keepAtLeast}
local liveness = tonumber(ARGV[2])
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local raw = redis.call('HGET', KEYS[2], id)
  if not raw then
    redis.call('ZREM', KEYS[1], id)
  else
    local w = cjson.decode(raw)
    if w.a <= now then
      redis.call('ZREM', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
    elseif ARGV[3] == '1' and not w.s then
      w.s = ARGV[1]
      redis.call('HSET', KEYS[2], id, cjson.encode(w))
    end
  end
end
local id = redis.call('INCR', KEYS[3])
redis.call('ZADD', KEYS[1], id, id)
redis.call('HSET', KEYS[2], id, cjson.encode({h = ARGV[1], a = now + liveness}))
keep(KEYS[1], 2 * liveness)
keep(KEYS[2], 2 * liveness)
return id
`;

/** KEYS lock; ARGV value, ttlMs. Compare-and-pexpire: 1 when the lease was still this value. */
export const renewLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

/** KEYS lock; ARGV value. Compare-and-delete: a stale holder cannot delete its successor's lease. */
export const releaseLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

/** KEYS lock. Returns {} when free, else {value, expiresAtMs}, read at one instant. */
export const currentLua = `${nowMs}
local value = redis.call('GET', KEYS[1])
if not value then return {} end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then return {} end
return {value, now + ttl}
`;
