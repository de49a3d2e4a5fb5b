-- session-core's RedisStore write script: read by js/redis/scripts.js and by the Rust RedisStore
-- (src/server/redis.rs, include_str!). One copy: both servers run these exact bytes.
-- KEYS[1] key; ARGV: deadline, mode, value, px, expected (see js/redis/scripts.js)
local t = redis.call('TIME')
if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[1]) then return -1 end
local mode = ARGV[2]
if mode == 'CAS' then
  local cur = redis.call('GET', KEYS[1])
  if not cur then return -2 end
  if cur ~= ARGV[5] then return 0 end
elseif mode == 'NX' then
  if redis.call('EXISTS', KEYS[1]) == 1 then
    if ARGV[5] == '' or redis.call('GET', KEYS[1]) ~= ARGV[5] then return -3 end
  end
elseif mode == 'XX' then
  if redis.call('EXISTS', KEYS[1]) == 0 then return -2 end
end
local px = tonumber(ARGV[4])
if px <= 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], ARGV[3], 'PX', px)
end
return 1
