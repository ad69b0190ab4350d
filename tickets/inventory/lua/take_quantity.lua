-- Take quantities from per-ticket-type counters, all or nothing.
-- KEYS: counters (hashes {cap, left}); ARGV: n quantities, then n current capacities.
-- A counter built under another capacity (an organizer edit) moves by the difference first,
-- so no edit has to tell the gate. Returns {1, left...} when taken, {0, i} when counter i
-- has too few, {-1, i} when counter i is missing (rebuild it from the database, retry).
local n = #KEYS
for i = 1, n do
  local cap, left = unpack(redis.call('HMGET', KEYS[i], 'cap', 'left'))
  if not left then
    return {-1, i}
  end
  local current = tonumber(ARGV[n + i])
  if tonumber(cap) ~= current then
    redis.call('HSET', KEYS[i], 'cap', current, 'left', tonumber(left) + current - tonumber(cap))
  end
end
for i = 1, n do
  if tonumber(redis.call('HGET', KEYS[i], 'left')) < tonumber(ARGV[i]) then
    return {0, i}
  end
end
local result = {1}
for i = 1, n do
  result[i + 1] = redis.call('HINCRBY', KEYS[i], 'left', -tonumber(ARGV[i]))
end
return result
