-- Let go of seats, but only those this owner still claims (a later claim by someone
-- else is never removed). KEYS: seat keys; ARGV[1]: owner token. Returns how many went.
local released = 0
for _, key in ipairs(KEYS) do
  if redis.call('GET', key) == ARGV[1] then
    redis.call('DEL', key)
    released = released + 1
  end
end
return released
