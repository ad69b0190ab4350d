-- Claim a set of seats for one hold, all or nothing, with an expiry, after counting the
-- request's rate limits (the _rate_limits prelude: KEYS and ARGV of this script start after
-- k0 and a0).
-- KEYS: seat keys, then the buyer's hold marker, then a sweep throttle key.
-- ARGV: owner token (the hold id); expiry in ms; throttle life in ms.
-- Returns {-2, i} when rate limit i is exceeded (nothing claimed), {0} when every seat was
-- claimed, or {i, has_hold, sweep} where i (1-based) is the first seat someone else has,
-- has_hold = 1 if the buyer has a hold marker at this event, and sweep = 1 for the one
-- caller per throttle period that should look for lapsed holds.
if over > 0 then
  return {-2, over}
end
local owner = ARGV[a0 + 1]
local n = #KEYS - k0 - 2
for i = 1, n do
  local value = redis.call('GET', KEYS[k0 + i])
  if value and value ~= owner then
    local has_hold = redis.call('EXISTS', KEYS[k0 + n + 1])
    local sweep = 0
    if redis.call('SET', KEYS[k0 + n + 2], 1, 'NX', 'PX', ARGV[a0 + 3]) then
      sweep = 1
    end
    return {i, has_hold, sweep}
  end
end
for i = 1, n do
  redis.call('SET', KEYS[k0 + i], owner, 'PX', ARGV[a0 + 2])
end
return {0}
