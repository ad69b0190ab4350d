-- Hand seats claimed under a provisional owner token over to the hold's id, keeping each
-- claim's expiry. KEYS: seat keys; ARGV[1]: provisional owner; ARGV[2]: the hold id.
-- Returns how many seats were handed over (all of them unless a claim expired meanwhile).
local moved = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('SET', key, ARGV[2], 'KEEPTTL')
    moved = moved + 1
  end
end
return moved
