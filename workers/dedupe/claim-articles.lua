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
  ARGV[9]   when the keys of the current period expire (ms since the epoch); every key this script
            writes gets it, a signature it reads too
  ARGV[10]  '1' to register an article nothing matched; '0' to answer 'miss' for it and write
            nothing (its caller looks in the lasting record first, then claims it again)
  Then per article, in order (KEYS: 2 + 2B each; ARGV: 6 + B each, from ARGV[11]):
  KEYS      exact bucket (hash) of the current period, then of the previous one: exact-hash tail ->
            article id (12 bytes); then the LSH bucket (hash) of each band, current period, then
            the same of the previous period: band-value tail -> up to ARGV[2] article ids
  ARGV      exact field (binary); this article's id if it is new, hex; the same id, 12 bytes;
            signature: u32 shingle count, SLOTS x u16 MinHash values, up to 32 x u16 head shingle
            hashes (all big-endian); the id to register it under instead, hex ('' for none: a
            reindex passes the id the old index gave the article, issue 17); '1' when that id's
            document holds this very version, else '0'; then the B band fields (binary)
  Returns, per article: article id (hex, '' for a miss), 1 when this claim registered it else 0,
  'exact'|'near'|'new'|'miss' (flattened: 3 values per article)
  An article found only in the previous period is written into the current one, so what keeps
  being seen stays in Redis and what is not seen for two periods expires.
  An id asked for with '1' (the old index had this very version, in that document) is the answer
  for any version the new index has not seen: the old index's grouping holds for the versions it
  had, whatever order they come in now (near-duplicate verdicts depend on the order, since the
  fullest version seen so far is what later ones are compared with). Otherwise a new article is
  registered under the id asked for when no article has it yet, else under its own id (its exact
  hash), else, when an article registered under an asked-for id holds that too, under the first
  free one of sha1(id), sha1(sha1(id))... (24 hex digits): two articles never share an id.
]]
local SLOTS = 128
local sigPrefix, maxIds = ARGV[1], tonumber(ARGV[2])
local minContainment, minHead = tonumber(ARGV[3]), tonumber(ARGV[4])
local minHeadBody, minExpected, minShingles = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local BANDS = tonumber(ARGV[8])
local expireAt, register = ARGV[9], ARGV[10] == '1'

local function hex(bin)
  return (bin:gsub('.', function(c) return string.format('%02x', c:byte()) end))
end

local function unhex(text)
  return (text:gsub('..', function(pair) return string.char(tonumber(pair, 16)) end))
end

local function taken(idHex)
  return redis.call('EXISTS', sigPrefix .. idHex) == 1
end

-- The id a new article is registered under (module comment).
local function freeId(ownHex, askedHex)
  if askedHex ~= '' and not taken(askedHex) then return askedHex end
  local idHex = ownHex
  while taken(idHex) do idHex = redis.sha1hex(idHex):sub(1, 24) end
  return idHex
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

local function hset(key, field, value)
  redis.call('HSET', key, field, value)
  redis.call('PEXPIREAT', key, expireAt)
end

local function setSignature(id, sig)
  redis.call('SET', sigPrefix .. hex(id), sig, 'PXAT', expireAt)
end

-- One article: its keys start at KEYS[k], its arguments at ARGV[a].
local function claim(k, a)
  local exactKey, exactField, newIdHex, newIdBin, sig = KEYS[k], ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3]
  local askedHex, askedSame = ARGV[a + 4], ARGV[a + 5] == '1'
  -- The id this claim registers (or registered, on a retry) when nothing else holds it.
  local function ownId(id) return id == newIdBin or (askedHex ~= '' and hex(id) == askedHex) end
  local lshKey = function(i) return KEYS[k + 1 + i] end
  local lshPreviousKey = function(i) return KEYS[k + 1 + BANDS + i] end
  local bandField = function(i) return ARGV[a + 5 + i] end

  -- bandIds[i]: the ids stored under this article's value of band i in the current period.
  local bandIds = {}
  local function addToBands(id)
    for i = 1, BANDS do
      local ids = bandIds[i]
      if #ids < 12 * maxIds and not contains(ids, id) then hset(lshKey(i), bandField(i), ids .. id) end
    end
  end
  local function readBands()
    for i = 1, BANDS do bandIds[i] = redis.call('HGET', lshKey(i), bandField(i)) or '' end
  end

  local known = redis.call('HGET', exactKey, exactField)
  if known then
    redis.call('PEXPIREAT', sigPrefix .. hex(known), expireAt)
    return hex(known), ownId(known) and 1 or 0, 'exact'
  end
  known = redis.call('HGET', KEYS[k + 1], exactField)
  if known then
    -- Seen last period: carry it over (same body, so the same bands lead to it).
    hset(exactKey, exactField, known)
    redis.call('PEXPIREAT', sigPrefix .. hex(known), expireAt)
    readBands()
    addToBands(known)
    return hex(known), ownId(known) and 1 or 0, 'exact'
  end

  readBands()
  local mine = parse(sig)
  if askedSame and register then
    local askedBin = unhex(askedHex)
    local stored = redis.call('GET', sigPrefix .. askedHex)
    hset(exactKey, exactField, askedBin)
    -- Indexed under this version's bands too, with the fullest version's signature (as a match).
    if not stored or mine.count > parse(stored).count then setSignature(askedBin, sig)
    else redis.call('PEXPIREAT', sigPrefix .. askedHex, expireAt) end
    addToBands(askedBin)
    if stored then return askedHex, 0, 'near' end
    return askedHex, 1, 'new'
  end
  local checked, best, bestScore, bestSig, bestIsCurrent = {}, nil, 0, nil, false
  local function consider(ids, current)
    for j = 1, #ids, 12 do
      local id = ids:sub(j, j + 11)
      if not checked[id] then
        checked[id] = true
        local stored = redis.call('GET', sigPrefix .. hex(id))
        if stored then
          local parsed = parse(stored)
          local s = score(mine, parsed)
          if s and s > bestScore then best, bestScore, bestSig, bestIsCurrent = id, s, parsed, current end
        end
      end
    end
  end
  for i = 1, BANDS do consider(bandIds[i], true) end
  for i = 1, BANDS do consider(redis.call('HGET', lshPreviousKey(i), bandField(i)) or '', false) end

  if best then
    hset(exactKey, exactField, best)
    -- Keep the fullest version's signature, and index it too, so later variants of the
    -- full text are found even when the article was first seen as a teaser. An article found
    -- only last period is indexed under this version's bands so it stays findable.
    if mine.count > bestSig.count then
      setSignature(best, sig)
      addToBands(best)
    else
      redis.call('PEXPIREAT', sigPrefix .. hex(best), expireAt)
      if not bestIsCurrent then addToBands(best) end
    end
    return hex(best), 0, 'near'
  end

  if not register then return '', 0, 'miss' end
  local idHex = freeId(newIdHex, askedHex)
  local idBin = idHex == newIdHex and newIdBin or unhex(idHex)
  hset(exactKey, exactField, idBin)
  setSignature(idBin, sig)
  addToBands(idBin)
  return idHex, 1, 'new'
end

local replies = {}
local k, a = 1, 11
while k <= #KEYS do
  local id, isNew, match = claim(k, a)
  replies[#replies + 1] = id
  replies[#replies + 1] = isNew
  replies[#replies + 1] = match
  k, a = k + 2 + 2 * BANDS, a + 6 + BANDS
end
return replies
