-- Join an on-sale's waiting room (one place per account, whatever the tabs or sessions).
-- KEYS: 1 draw (set: arrivals before the opening), 2 queue (zset by ticket number),
--       3 ticket numbers, 4 opened flag, 5 admitted (hash account -> session or '').
-- ARGV: account, now ms, opening ms, key lifetime s.
-- Returns {'admitted', 0}, {'draw', how many are in it}, {'opening', 0} (the draw has not
-- been made yet: make it, then join again) or {'queued', people ahead}.
local account, now, opens = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
for i = 1, 5 do
  redis.call('EXPIRE', KEYS[i], ARGV[4])
end
if redis.call('HEXISTS', KEYS[5], account) == 1 then
  return {'admitted', 0}
end
if now < opens then
  redis.call('SADD', KEYS[1], account)
  return {'draw', redis.call('SCARD', KEYS[1])}
end
if redis.call('EXISTS', KEYS[4]) == 0 then
  return {'opening', 0}
end
if not redis.call('ZSCORE', KEYS[2], account) then
  redis.call('ZADD', KEYS[2], 'NX', redis.call('INCR', KEYS[3]), account)
end
return {'queued', redis.call('ZRANK', KEYS[2], account)}
