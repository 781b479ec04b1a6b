--[[
  Releases articles from the near-duplicate index: what the claim script wrote for them, so
  later claims no longer find them (their content was superseded: a half-written file, and their
  documents were deleted). Per article: its exact field is removed wherever it still names the
  article, the article's id is taken out of the band values it was filed under, and its signature
  is deleted. Atomic, in one call for all the articles of a file.

  ARGV[1]   key prefix of signatures ('<prefix>:sig:')
  ARGV[2]   number of bands per article (B)
  Then per article (KEYS: 2 + 2B each, the claim script's keys for it; ARGV: 2 + B each, from ARGV[3]):
  KEYS      exact bucket of the current period, then of the previous one; the LSH bucket of each
            band in the current period, then in the previous one
  ARGV      the exact field (binary); the article id, 12 bytes; then the B band fields (binary)
  Returns the number of signatures deleted.
]]
local sigPrefix, BANDS = ARGV[1], tonumber(ARGV[2])

local function hex(bin)
  return (bin:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end

-- The ids of a band value without `id` (12 bytes each).
local function without(ids, id)
  local kept = {}
  for i = 1, #ids, 12 do
    local other = ids:sub(i, i + 11)
    if other ~= id then kept[#kept + 1] = other end
  end
  return table.concat(kept)
end

local released = 0
local k, a = 1, 3
while k <= #KEYS do
  local exactField, id = ARGV[a], ARGV[a + 1]
  for _, key in ipairs({ KEYS[k], KEYS[k + 1] }) do
    if redis.call('HGET', key, exactField) == id then redis.call('HDEL', key, exactField) end
  end
  for i = 1, 2 * BANDS do
    local key, field = KEYS[k + 1 + i], ARGV[a + 1 + ((i - 1) % BANDS) + 1]
    local ids = redis.call('HGET', key, field)
    if ids then
      local kept = without(ids, id)
      if kept == '' then redis.call('HDEL', key, field)
      elseif kept ~= ids then redis.call('HSET', key, field, kept) end
    end
  end
  released = released + redis.call('DEL', sigPrefix .. hex(id))
  k, a = k + 2 + 2 * BANDS, a + 2 + BANDS
end
return released
