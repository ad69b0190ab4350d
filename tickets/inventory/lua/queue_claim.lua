-- An admitted account's pass goes to one session: the first to ask (or the same again).
-- KEYS[1]: admitted (hash). ARGV: account, session key. Returns 1 (this session's), 0 (another
-- session has it) or -1 (not admitted).
local holder = redis.call('HGET', KEYS[1], ARGV[1])
if not holder then
  return -1
end
if holder == '' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
return holder == ARGV[2] and 1 or 0
