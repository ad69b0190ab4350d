-- Give quantities back to per-ticket-type counters.
-- KEYS: counter keys; ARGV: quantities, same order.
-- A missing counter is left missing: its rebuild from the database will count the stock.
-- Returns the new values (-1 where the counter was missing).
local result = {}
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then
    result[i] = redis.call('INCRBY', key, ARGV[i])
  else
    result[i] = -1
  end
end
return result
