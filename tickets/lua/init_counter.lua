-- Create counters only where absent (SET NX semantics); returns each counter's value.
-- KEYS: counter keys; ARGV: the values computed from the database under their row locks.
local values = {}
for i = 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[i], 'NX') then
    values[i] = tonumber(ARGV[i])
  else
    values[i] = tonumber(redis.call('GET', KEYS[i]))
  end
end
return values
