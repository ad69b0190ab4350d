-- One visit to an on-sale's waiting room: let in whoever is due, then join (one place per
-- account, whatever the tabs or sessions) or give this account's pass to this session.
-- KEYS: 1 draw (set: arrivals before the opening), 2 queue (zset by number or arrival),
--       3 the draw's numbers, 4 opened flag, 5 admitted (hash account -> session or ''),
--       6 clock (ms of the last admission), 7 and 8 visits this second and the last.
-- ARGV: account, session, now ms, opening ms, key lifetime s, admissions per minute,
--       the rush (visits a second), how long after the opening a rush holds admissions (ms),
--       when this request reached the site (µs: the place of a newcomer).
-- Returns {'draw', how many are in it}, {'opening', 0} (make the draw, then come again),
-- {'admitted', 0} (this session holds the pass), {'elsewhere', 0} (another session does)
-- or {'queued', people ahead}.
local account, session = ARGV[1], ARGV[2]
local now, opens, rate = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[6])
for i = 1, 6 do
  redis.call('EXPIRE', KEYS[i], ARGV[5])
end
if now < opens then
  redis.call('SADD', KEYS[1], account)
  return {'draw', redis.call('SCARD', KEYS[1])}
end
if redis.call('EXISTS', KEYS[4]) == 0 then
  return {'opening', 0}
end
-- While the opening's crowd is still pouring in (joining, or the draw looking for its
-- places), every server is busy answering it and a buyer let in would wait behind it at
-- every step: admissions start once it has been answered (judged over two seconds, so
-- none in the first two).
local visits = redis.call('INCR', KEYS[7])
redis.call('EXPIRE', KEYS[7], 3)
visits = visits + tonumber(redis.call('GET', KEYS[8]) or 0)
local since = now - opens
if opens > 0 and since < tonumber(ARGV[8]) and (since < 2000 or visits > 2 * tonumber(ARGV[7])) then
  rate = 0
end
-- Admit from the front at `rate` a minute since the last admission; an empty queue or a
-- sale with nothing left banks nothing (the clock follows).
local last = tonumber(redis.call('GET', KEYS[6]) or now)
local due = rate > 0 and math.floor((now - last) * rate / 60000) or 0
if due > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], due)
  for i = 1, #popped, 2 do
    redis.call('HSETNX', KEYS[5], popped[i], '')
  end
  last = last + due * 60000 / rate
end
if rate == 0 or redis.call('ZCARD', KEYS[2]) == 0 then
  last = now
end
redis.call('SET', KEYS[6], string.format('%d', last), 'EX', ARGV[5])
local holder = redis.call('HGET', KEYS[5], account)
if holder == '' then
  redis.call('HSET', KEYS[5], account, session)
  return {'admitted', 0}
elseif holder then
  return {holder == session and 'admitted' or 'elsewhere', 0}
end
-- A newcomer's place is when the request reached the site; the draw's (numbered from 1 at
-- the opening) all come before.
redis.call('ZADD', KEYS[2], 'NX', ARGV[9], account)
return {'queued', redis.call('ZRANK', KEYS[2], account)}
