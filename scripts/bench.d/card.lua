-- wrk script for GET /api/internet-orders/{id}/card: each request picks a random order from the
-- targets file written by `bitaqa-bench seed` (lines "topupId<TAB>jwt"), so requests spread over the
-- whole table and every one carries its owner's token.
local targets = {}

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local id, token = line:match("^(%S+)\t(%S+)$")
    if id then targets[#targets + 1] = { "/api/internet-orders/" .. id .. "/card", "Bearer " .. token } end
  end
  file:close()
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
end

function request()
  local target = targets[math.random(#targets)]
  return wrk.format("GET", target[1], { ["Authorization"] = target[2] })
end

function done(summary, latency, requests)
  io.write(string.format("non200 %d\n", summary.errors.status))
end
