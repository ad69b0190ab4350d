-- Create a counter only if it is absent (SET NX semantics); returns its value either way.
-- KEYS[1]: counter key; ARGV[1]: the value computed from the database under its row lock.
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  return tonumber(ARGV[1])
end
return tonumber(redis.call('GET', KEYS[1]))
