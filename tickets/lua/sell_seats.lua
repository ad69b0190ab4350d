-- Seats of a hold were sold: keep them claimed for good (no expiry).
-- KEYS: seat keys; ARGV[1]: owner token. Overwrites only keys that are absent or ours.
local sold = 0
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if (not value) or value == ARGV[1] then
    redis.call('SET', key, ARGV[1])
    sold = sold + 1
  end
end
return sold
