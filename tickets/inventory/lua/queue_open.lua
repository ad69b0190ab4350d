-- The opening: those who arrived before it enter the queue in the order ARGV[2..] (shuffled
-- by the caller), then anyone the caller did not see, ahead of every later arrival.
-- KEYS: 1 draw, 2 queue, 3 ticket numbers, 4 opened flag. ARGV: key lifetime s, accounts.
if redis.call('SET', KEYS[4], 1, 'NX', 'EX', ARGV[1]) then
  for i = 2, #ARGV do
    if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
      redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[3]), ARGV[i])
    end
  end
  for _, account in ipairs(redis.call('SMEMBERS', KEYS[1])) do
    redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[3]), account)
  end
  redis.call('DEL', KEYS[1])
  redis.call('EXPIRE', KEYS[3], ARGV[1])
end
return 1
