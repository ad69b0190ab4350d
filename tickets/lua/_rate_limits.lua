-- Prelude of the scripts a hold request calls (tickets/gate.py puts it in front of them), so
-- the request's rate limits are counted in the same round trip as its take or claim.
-- KEYS[1..r]: one fixed-window counter per limit; ARGV[1] = r, then a limit and a window in
-- seconds per counter. Every counter counts the request (like separate limiters would; a
-- window starts with its first request). `over` is the 1-based index of the first limit
-- exceeded, or 0. The script's own keys and arguments follow: KEYS[k0 + i], ARGV[a0 + i].
local r = tonumber(ARGV[1])
local k0, a0 = r, 1 + 2 * r
local over = 0
for i = 1, r do
  local count = redis.call('INCR', KEYS[i])
  if count == 1 then
    redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1])
  end
  if over == 0 and count > tonumber(ARGV[2 * i]) then
    over = i
  end
end
