-- Claim a set of seats for one hold, all or nothing, with an expiry.
-- KEYS: seat keys; ARGV[1]: owner token (the hold id); ARGV[2]: expiry in milliseconds.
-- Returns 0 when every seat was claimed, or i (1-based) for the first seat someone else has.
local owner = ARGV[1]
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value and value ~= owner then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, owner, 'PX', ARGV[2])
end
return 0
