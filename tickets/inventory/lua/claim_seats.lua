-- Claim seats for one owner with an expiry, all or nothing. KEYS: seat keys; ARGV: owner,
-- expiry in ms. Returns 0 when claimed, else the 1-based index of a seat someone else has.
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if value and value ~= ARGV[1] then
    return i
  end
end
for _, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
end
return 0
