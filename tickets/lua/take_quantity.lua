-- Take quantities from several per-ticket-type counters, all or nothing.
-- KEYS: counter keys (one per ticket type); ARGV: the quantities, same order.
-- Returns {1, left1, left2, ...} when taken,
--         {0, i}  when counter i has fewer than asked (sold out; nothing changed),
--         {-1, i} when counter i is missing (flushed: rebuild it from the database, retry).
local left = {}
for i, key in ipairs(KEYS) do
  local value = redis.call('GET', key)
  if not value then
    return {-1, i}
  end
  value = tonumber(value)
  if value < tonumber(ARGV[i]) then
    return {0, i}
  end
  left[i] = value
end
local result = {1}
for i, key in ipairs(KEYS) do
  result[i + 1] = redis.call('DECRBY', key, ARGV[i])
end
return result
