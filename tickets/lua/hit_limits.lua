-- Count one request against several fixed-window rate limits at once.
-- KEYS: one counter per limit; ARGV: limit_1, window_seconds_1, limit_2, window_seconds_2, ...
-- Every counter is incremented (like separate limiters would); a counter's window starts
-- with its first request. Returns the 1-based index of the first limit exceeded, or 0.
local over = 0
for i = 1, #KEYS do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then
    redis.call('EXPIRE', KEYS[i], ARGV[2 * i])
  end
  if over == 0 and count > tonumber(ARGV[2 * i - 1]) then
    over = i
  end
end
return over
