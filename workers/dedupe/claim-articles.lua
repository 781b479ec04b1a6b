--[[
  Claims the articles of one file in the near-duplicate index, in order and atomically: for each,
  returns the stored article it duplicates (same exact hash, or verified near-duplicate/containment
  among the LSH candidates), or registers it as a new article. Articles claimed earlier in the
  same call are candidates for later ones. A retry of the same claims finds their own exact hashes
  and returns the same answers.

  ARGV[1]   key prefix of signatures ('<prefix>:sig:'); the key is prefix .. hex id.
            Generated here from candidate ids; the prefix's hash tag keeps it in KEYS' slot.
  ARGV[2]   article ids kept per band value
  ARGV[3]   min estimated containment of the shorter body in the longer one
  ARGV[4]   min containment of the shorter head in the longer head
  ARGV[5]   min estimated body containment when the heads match
  ARGV[6]   min expected MinHash matches for that body estimate to be judged at all
  ARGV[7]   min shingles (of the shorter body) for any near match
  ARGV[8]   number of bands per article (B)
  Then per article, in order (KEYS: 1 + B each; ARGV: 4 + B each, from ARGV[9]):
  KEYS      exact bucket (hash): exact-hash tail -> article id (12 bytes);
            then the LSH bucket (hash) of each band: band-value tail -> up to ARGV[2] article ids
  ARGV      exact field (binary); this article's id if it is new, hex; the same id, 12 bytes;
            signature: u32 shingle count, SLOTS x u16 MinHash values, up to 32 x u16 head shingle
            hashes (all big-endian); then the B band fields (binary)
  Returns, per article: article id (hex), 1 when this claim registered it else 0,
  'exact'|'near'|'new' (flattened: 3 values per article)
]]
local SLOTS = 128
local sigPrefix, maxIds = ARGV[1], tonumber(ARGV[2])
local minContainment, minHead = tonumber(ARGV[3]), tonumber(ARGV[4])
local minHeadBody, minExpected, minShingles = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local BANDS = tonumber(ARGV[8])

local function hex(bin)
  return (bin:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end

local function parse(blob)
  local a, b, c, d = blob:byte(1, 4)
  local slots, head = {}, {}
  for i = 0, SLOTS - 1 do slots[i + 1] = blob:sub(5 + 2 * i, 6 + 2 * i) end
  local headSize = 0
  for i = 5 + 2 * SLOTS, #blob, 2 do
    local shingle = blob:sub(i, i + 1)
    if not head[shingle] then head[shingle] = true; headSize = headSize + 1 end
  end
  return { count = ((a * 256 + b) * 256 + c) * 256 + d, slots = slots, head = head, headSize = headSize }
end

-- Similarity score of two parsed signatures, or nil when they are different articles.
local function score(x, y)
  local short, long = x, y
  if y.count < x.count then short, long = y, x end
  if short.count < minShingles then return nil end
  local matches = 0
  for i = 1, SLOTS do if x.slots[i] == y.slots[i] then matches = matches + 1 end end
  local jaccard = matches / SLOTS
  -- |S n L| / |S| from J = |S n L| / |S u L| and the set sizes.
  local containment = math.min(1, jaccard * (short.count + long.count) / (short.count * (1 + jaccard)))
  if containment >= minContainment then return 1 + containment end
  local shared = 0
  for shingle in pairs(short.head) do if long.head[shingle] then shared = shared + 1 end end
  local headContainment = shared / math.max(1, math.min(short.headSize, long.headSize))
  if headContainment < minHead then return nil end
  -- A teaser shares the head; its body must then also lie inside the longer one, which
  -- MinHash can only judge when enough slot matches are expected.
  if SLOTS * short.count / long.count >= minExpected and containment < minHeadBody then return nil end
  return headContainment
end

local function contains(ids, id)
  for i = 1, #ids, 12 do if ids:sub(i, i + 11) == id then return true end end
  return false
end

-- One article: its keys start at KEYS[k], its arguments at ARGV[a].
local function claim(k, a)
  local exactKey, exactField, newIdHex, newIdBin, sig = KEYS[k], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local known = redis.call('HGET', exactKey, exactField)
  if known then return hex(known), known == newIdBin and 1 or 0, 'exact' end

  -- bandIds[i]: the ids stored under this article's value of band i (read once, below).
  local bandIds = {}
  local function addToBands(id)
    for i = 1, BANDS do
      local ids = bandIds[i]
      if #ids < 12 * maxIds and not contains(ids, id) then redis.call('HSET', KEYS[k + i], ARGV[a + 3 + i], ids .. id) end
    end
  end

  local mine = parse(sig)
  local checked, best, bestScore, bestSig = {}, nil, 0, nil
  for i = 1, BANDS do
    local ids = redis.call('HGET', KEYS[k + i], ARGV[a + 3 + i]) or ''
    bandIds[i] = ids
    for j = 1, #ids, 12 do
      local id = ids:sub(j, j + 11)
      if not checked[id] then
        checked[id] = true
        local stored = redis.call('GET', sigPrefix .. hex(id))
        if stored then
          local parsed = parse(stored)
          local s = score(mine, parsed)
          if s and s > bestScore then best, bestScore, bestSig = id, s, parsed end
        end
      end
    end
  end

  if best then
    redis.call('HSET', exactKey, exactField, best)
    -- Keep the fullest version's signature, and index it too, so later variants of the
    -- full text are found even when the article was first seen as a teaser.
    if mine.count > bestSig.count then
      redis.call('SET', sigPrefix .. hex(best), sig)
      addToBands(best)
    end
    return hex(best), 0, 'near'
  end

  redis.call('HSET', exactKey, exactField, newIdBin)
  redis.call('SET', sigPrefix .. newIdHex, sig)
  addToBands(newIdBin)
  return newIdHex, 1, 'new'
end

local replies = {}
local k, a = 1, 9
while k <= #KEYS do
  local id, isNew, match = claim(k, a)
  replies[#replies + 1] = id
  replies[#replies + 1] = isNew
  replies[#replies + 1] = match
  k, a = k + 1 + BANDS, a + 4 + BANDS
end
return replies
