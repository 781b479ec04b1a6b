--[[
  Counts one file's learned-chrome keys (chrome-store.ts; the rules are chrome-counts.ts's), once
  per file content.

  KEYS[1]  the counts (sorted set: key -> score)
  KEYS[2]  the file's marker (string): set while its sighting counts
  ARGV[1]  what one sighting adds now (the decay weight)
  ARGV[2]  how long the marker lives, ms
  ARGV[3]  how long the counts live without a write, ms
  ARGV[4]  keys kept after an eviction (maxKeys)
  ARGV[5]  keys past which the lowest are evicted (maxKeys with the slack)
  ARGV[6..] the file's keys, each once
  Returns 1 when counted, 0 when this file was counted before.
]]
if not redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[2]) then return 0 end
-- One read and one write of all the file's keys, not a ZINCRBY each: a page has ~100 short
-- lines, and every command inside a script counts (issue 14 cut them per article).
local members = {}
for i = 6, #ARGV do members[#members + 1] = ARGV[i] end
if #members > 0 then
  local scores = redis.call('ZMSCORE', KEYS[1], unpack(members))
  local weight = tonumber(ARGV[1])
  local pairs = {}
  for i, member in ipairs(members) do
    pairs[#pairs + 1] = string.format('%.17g', (tonumber(scores[i]) or 0) + weight)
    pairs[#pairs + 1] = member
  end
  redis.call('ZADD', KEYS[1], unpack(pairs))
end
local size = redis.call('ZCARD', KEYS[1])
if size > tonumber(ARGV[5]) then
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, size - tonumber(ARGV[4]) - 1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
