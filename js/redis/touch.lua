-- session-core's RedisStore touch script (shared with src/server/redis.rs): KEYS[1] key; ARGV: deadline, px
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return -1 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])
