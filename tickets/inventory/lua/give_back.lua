-- Give quantities back to counters; a missing counter stays missing (its rebuild from the
-- database counts the stock). KEYS: counters; ARGV: quantities.
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    redis.call('HINCRBY', key, 'left', ARGV[i])
  end
end
return 1
