-- Admit from the front of the queue at a rate: ARGV[2] per minute since the last admission.
-- KEYS: 1 queue, 2 admitted (hash), 3 clock (ms of the last admission). ARGV: now ms,
-- admissions per minute, key lifetime s. An empty queue banks nothing (the clock follows).
local now, rate = tonumber(ARGV[1]), tonumber(ARGV[2])
local last = tonumber(redis.call('GET', KEYS[3]) or now)
local due = math.floor((now - last) * rate / 60000)
if due > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[1], due)
  for i = 1, #popped, 2 do
    redis.call('HSETNX', KEYS[2], popped[i], '')
  end
  last = last + due * 60000 / rate
end
if redis.call('ZCARD', KEYS[1]) == 0 then
  last = now
end
redis.call('SET', KEYS[3], string.format('%d', last), 'EX', ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
return 1
