-- Let go of the seats this owner claims (never someone else's later claim), or with
-- ARGV[2] = 'sold' keep them claimed for good. KEYS: seat keys; ARGV[1]: owner.
for _, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if ARGV[2] == 'sold' and (not value or value == ARGV[1]) then
    redis.call('SET', key, ARGV[1])
  elseif ARGV[2] ~= 'sold' and value == ARGV[1] then
    redis.call('DEL', key)
  end
end
return 1
