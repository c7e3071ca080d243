-- wrk script for bench/run.
--
--   wrk ... -s bench/wrk/verify.lua URL -- MODE KEYS_FILE EXPECT [PERMISSIONS_JSON] [SERVER_SECRET]
--
-- MODE   verify: POST /api/auth/api-key/verify {"key": K[, "permissions": P]}
--                with x-latchkey-server-secret (trusted server)
--        header: GET <path of URL> with x-api-key: K (a protected host route)
-- KEYS_FILE  one full key per line; each request picks one at random
--            (requests are formatted once, in init, so picking costs nothing).
-- EXPECT     a substring every 200 body must contain ('"valid":true').
--
-- Every response is checked: non-200 statuses and 200 bodies without EXPECT
-- are counted, and done() prints one line
--   BENCH {"requests":..,"ok":..,"bad_status":..,"bad_body":..,...}
-- with wrk's own figures (requests/s, p50, p99 in microseconds, errors).

local threads = {}
local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("id", counter)
   table.insert(threads, thread)
end

local requests = {}
local n = 0
ok, bad_status, bad_body = 0, 0, 0
local expect

local function json_string(s)
   return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

function init(args)
   local mode, keys_file = args[1], args[2]
   expect = args[3] or ""
   local permissions = args[4]
   local secret = args[5]
   if permissions == "" or permissions == "-" then permissions = nil end
   local path = wrk.path
   for key in io.lines(keys_file) do
      if key ~= "" then
         local req
         if mode == "verify" then
            local body = '{"key":' .. json_string(key)
            if permissions then body = body .. ',"permissions":' .. permissions end
            body = body .. '}'
            req = wrk.format("POST", path, {
               ["Content-Type"] = "application/json",
               ["x-latchkey-server-secret"] = secret,
            }, body)
         elseif mode == "header" then
            req = wrk.format("GET", path, { ["x-api-key"] = key })
         else
            error("unknown mode " .. tostring(mode))
         end
         n = n + 1
         requests[n] = req
      end
   end
   if n == 0 then error("no keys in " .. tostring(keys_file)) end
   math.randomseed(os.time() * 1000 + (id or 0))
end

function request()
   if n == 1 then return requests[1] end
   return requests[math.random(n)]
end

function response(status, headers, body)
   if status ~= 200 then
      bad_status = bad_status + 1
   elseif not string.find(body, expect, 1, true) then
      bad_body = bad_body + 1
   else
      ok = ok + 1
   end
end

function done(summary, latency, requests)
   local t_ok, t_status, t_body = 0, 0, 0
   for _, thread in ipairs(threads) do
      t_ok = t_ok + thread:get("ok")
      t_status = t_status + thread:get("bad_status")
      t_body = t_body + thread:get("bad_body")
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_us":%d,"p99_us":%d,' ..
      '"ok":%d,"bad_status":%d,"bad_body":%d,' ..
      '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
      summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
      latency:percentile(50), latency:percentile(99),
      t_ok, t_status, t_body,
      e.connect, e.read, e.write, e.status, e.timeout))
end
