-- Claim a set of seats for one hold, all or nothing, with an expiry.
-- KEYS: seat keys, then the buyer's hold marker, then a sweep throttle key.
-- ARGV[1]: owner token (the hold id); ARGV[2]: expiry in ms; ARGV[3]: throttle life in ms.
-- Returns {0} when every seat was claimed, or {i, has_hold, sweep} where i (1-based) is the
-- first seat someone else has, has_hold = 1 if the buyer has a hold marker at this event,
-- and sweep = 1 for the one caller per throttle period that should look for lapsed holds.
local owner = ARGV[1]
local n = #KEYS - 2
for i = 1, n do
  local value = redis.call('GET', KEYS[i])
  if value and value ~= owner then
    local has_hold = redis.call('EXISTS', KEYS[n + 1])
    local sweep = 0
    if redis.call('SET', KEYS[n + 2], 1, 'NX', 'PX', ARGV[3]) then
      sweep = 1
    end
    return {i, has_hold, sweep}
  end
end
for i = 1, n do
  redis.call('SET', KEYS[i], owner, 'PX', ARGV[2])
end
return {0}
