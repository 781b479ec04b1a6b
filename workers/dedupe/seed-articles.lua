--[[
  Puts articles found in the lasting record (Elasticsearch) back into the near-duplicate index of
  the current period, so the claim that follows finds them like any article seen recently.

  ARGV[1]   key prefix of signatures ('<prefix>:sig:')
  ARGV[2]   article ids kept per band value
  ARGV[3]   when the keys of the current period expire (ms since the epoch)
  ARGV[4]   number of bands per article (B)
  Then per article (KEYS: 1 + B each; ARGV: 4 + B each, from ARGV[5]):
  KEYS      the exact bucket (hash) of the current period for the exact field below, then the
            LSH bucket (hash) of each of the article's bands in the current period
  ARGV      article id, hex; the same, 12 bytes; its signature (as the claim script stores it);
            an exact field to point at the article ('' for none); then the B band fields
  A signature already in Redis is kept (it is as full or fuller); returns the number seeded.
]]
local sigPrefix, maxIds, expireAt, BANDS = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])

local function contains(ids, id)
  for i = 1, #ids, 12 do if ids:sub(i, i + 11) == id then return true end end
  return false
end

local k, a, seeded = 1, 5, 0
while k <= #KEYS do
  local idHex, idBin, sig, exactField = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  if not redis.call('SET', sigPrefix .. idHex, sig, 'NX', 'PXAT', expireAt) then
    redis.call('PEXPIREAT', sigPrefix .. idHex, expireAt)
  end
  if exactField ~= '' then
    redis.call('HSET', KEYS[k], exactField, idBin)
    redis.call('PEXPIREAT', KEYS[k], expireAt)
  end
  for i = 1, BANDS do
    local ids = redis.call('HGET', KEYS[k + i], ARGV[a + 3 + i]) or ''
    if #ids < 12 * maxIds and not contains(ids, idBin) then
      redis.call('HSET', KEYS[k + i], ARGV[a + 3 + i], ids .. idBin)
      redis.call('PEXPIREAT', KEYS[k + i], expireAt)
    end
  end
  seeded = seeded + 1
  k, a = k + 1 + BANDS, a + 4 + BANDS
end
return seeded
