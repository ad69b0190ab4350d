-- Write counters from the database (read under the rows' locks). KEYS: counters; ARGV:
-- 'nx' (only where missing) or 'force', then a capacity and a count left per key.
for i, key in ipairs(KEYS) do
  if ARGV[1] == 'force' or redis.call('EXISTS', key) == 0 then
    redis.call('HSET', key, 'cap', ARGV[2 * i], 'left', ARGV[2 * i + 1])
  end
end
return 1
