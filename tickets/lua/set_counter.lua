-- Reconcile: replace a counter with the database's figure; returns the previous value
-- (or false when it was missing).
-- KEYS[1]: counter key; ARGV[1]: value.
local previous = redis.call('GET', KEYS[1])
redis.call('SET', KEYS[1], ARGV[1])
return previous
