-- wrk script: replays a corpus of distinct, correctly signed pushes (one "path<TAB>body" per line),
-- each request once in order from line CORPUS_START (so a measurement can continue where its warm-up
-- stopped), wrapping around only if the run outlasts the corpus.
local requests = {}
local next_index = tonumber(os.getenv("CORPUS_START") or "0")

init = function(args)
  local file = assert(io.open(os.getenv("CORPUS"), "r"))
  for line in file:lines() do
    local tab = line:find("\t", 1, true)
    requests[#requests + 1] = wrk.format("POST", line:sub(1, tab - 1), { ["Content-Type"] = "text/xml" }, line:sub(tab + 1))
  end
  file:close()
end

request = function()
  next_index = next_index + 1
  return requests[((next_index - 1) % #requests) + 1]
end
