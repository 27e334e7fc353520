-- wrk script for GET /api/internet-orders/{id}/card. Arguments: the targets file written by
-- `bitaqa-bench seed` (lines "topupId<TAB>jwt"), how many client addresses to spread over through
-- X-Forwarded-For (0: none).
-- Each request picks a random order, so requests spread over the whole table and every one carries
-- its owner's token.
local targets = {}
local addresses = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local id, token = line:match("^(%S+)\t(%S+)$")
    if id then targets[#targets + 1] = { "/api/internet-orders/" .. id .. "/card", "Bearer " .. token } end
  end
  file:close()
  addresses = tonumber(args[2] or "0") or 0
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
  local target = targets[math.random(#targets)]
  local headers = { ["Authorization"] = target[2] }
  if addresses > 0 then
    local n = math.random(addresses) - 1
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  end
  return wrk.format("GET", target[1], headers)
end

function done(summary, latency, requests)
  io.write(string.format("non200 %d\n", summary.errors.status))
end
