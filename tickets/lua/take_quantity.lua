-- Take quantities from several per-ticket-type counters, all or nothing.
-- KEYS: counter keys (one per ticket type), then the buyer's hold marker, then a sweep
--       throttle key; ARGV: the quantities (same order), then the throttle's life in ms.
-- Returns {1, left1, left2, ...} when taken,
--         {0, i, has_hold, sweep} when counter i has fewer than asked (sold out; nothing
--             changed); has_hold = 1 if the buyer has a hold marker for this event, and
--             sweep = 1 for the one caller per throttle period that should look for lapsed
--             holds (so the sold-out crowd pays one round trip, not three),
--         {-1, i} when counter i is missing (flushed: rebuild it from the database, retry).
local n = #KEYS - 2
for i = 1, n do
  local value = redis.call('GET', KEYS[i])
  if not value then
    return {-1, i}
  end
  if tonumber(value) < tonumber(ARGV[i]) then
    local has_hold = redis.call('EXISTS', KEYS[n + 1])
    local sweep = 0
    if redis.call('SET', KEYS[n + 2], 1, 'NX', 'PX', ARGV[n + 1]) then
      sweep = 1
    end
    return {0, i, has_hold, sweep}
  end
end
local result = {1}
for i = 1, n do
  result[i + 1] = redis.call('DECRBY', KEYS[i], ARGV[i])
end
return result
