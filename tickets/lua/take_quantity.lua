-- Take quantities from several per-ticket-type counters, all or nothing, after counting the
-- request's rate limits (the _rate_limits prelude: KEYS and ARGV of this script start after
-- k0 and a0).
-- KEYS: counter keys (one per ticket type), then the buyer's hold marker, then a sweep
--       throttle key; ARGV: the quantities (same order), then the throttle's life in ms.
-- Returns {-2, i} when rate limit i is exceeded (nothing taken),
--         {1, left1, left2, ...} when taken,
--         {0, i, has_hold, sweep} when counter i has fewer than asked (sold out; nothing
--             changed); has_hold = 1 if the buyer has a hold marker for this event, and
--             sweep = 1 for the one caller per throttle period that should look for lapsed
--             holds (so the sold-out crowd pays one round trip, not three),
--         {-1, i} when counter i is missing (flushed: rebuild it from the database, retry).
if over > 0 then
  return {-2, over}
end
local n = #KEYS - k0 - 2
for i = 1, n do
  local value = redis.call('GET', KEYS[k0 + i])
  if not value then
    return {-1, i}
  end
  if tonumber(value) < tonumber(ARGV[a0 + i]) then
    local has_hold = redis.call('EXISTS', KEYS[k0 + n + 1])
    local sweep = 0
    if redis.call('SET', KEYS[k0 + n + 2], 1, 'NX', 'PX', ARGV[a0 + n + 1]) then
      sweep = 1
    end
    return {0, i, has_hold, sweep}
  end
end
local result = {1}
for i = 1, n do
  result[i + 1] = redis.call('DECRBY', KEYS[k0 + i], ARGV[a0 + i])
end
return result
