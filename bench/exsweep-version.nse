local http = require "http"
local stdnse = require "stdnse"
local string = require "string"
local table = require "table"

description = [[
Reads the build of a Microsoft Exchange server the way exsweep's passive ladder does
(docs/scan.md), for bench/scan-fleet.sh: the same GET requests over HTTPS, nothing else.

1. GET /owa/auth/logon.aspx: the title, the /owa/auth/<CU>/ resource paths (three parts: the
   CU), Exchange 2007/2010's four-part /owa/<build>/ paths, X-FEServer, X-OWA-Version.
2. GET /EWS/Exchange.asmx: the 401's X-OWA-Version (four parts), X-FEServer, request-id,
   WWW-Authenticate (Bearer with Exchange Online's client id = Exchange Online).
3. GET /owa/service.svc, only when step 2 gave a build: a second sample, since behind a load
   balancer another back end may answer. The lowest four-part build wins.

A host is "exchange" with two independent markers or more (logon page with resource paths,
X-FEServer, X-OWA-Version, the Negotiate/NTLM 401 with a request-id), "exchange-online" with
a 15.20 build or the Bearer challenge, "not-exchange" when it answered otherwise, "failed"
when nothing answered. Redirects are not followed; bodies are read up to 256 KiB.
]]

---
-- @usage
-- nmap -n -Pn -sT -p 8443 --script bench/exsweep-version.nse 127.16.0.1
--
-- @args exsweep-version.timeout socket timeout per operation, ms (default 2000)
--
-- @output
-- 8443/tcp open  https-alt
-- | exsweep-version:
-- |   status: exchange
-- |   build: 15.1.2176.9
-- |   cu: 15.1.2176
-- |   feserver: EX01
-- |_  builds: 15.1.2176.9 15.1.2176.9
--
-- @xmloutput
-- <elem key="status">exchange</elem>
-- <elem key="build">15.1.2176.9</elem>

author = "exsweep benchmark"
license = "Same as Nmap--See https://nmap.org/book/man-legal.html"
categories = {"safe", "discovery", "version"}

portrule = function(host, port)
  return port.protocol == "tcp" and port.state == "open"
end

local ONLINE_CLIENT_ID = "00000002-0000-0ff1-ce00-000000000000"

local function parse_build(s)
  if not s then return nil end
  local a, b, c, d = s:match("^%s*(%d+)%.(%d+)%.(%d+)%.(%d+)%s*$")
  if not a then return nil end
  return {tonumber(a), tonumber(b), tonumber(c), tonumber(d)}
end

local function build_string(v)
  return string.format("%d.%d.%d.%d", v[1], v[2], v[3], v[4])
end

local function less(x, y)
  for i = 1, 4 do
    if x[i] ~= y[i] then return x[i] < y[i] end
  end
  return false
end

action = function(host, port)
  local timeout = tonumber(stdnse.get_script_args(SCRIPT_NAME .. ".timeout")) or 2000
  local opts = {
    timeout = timeout, scheme = "https", redirect_ok = false, no_cache = true,
    max_body_size = 262144, truncated_ok = true, header = {["Accept"] = "*/*"},
  }
  -- nmap 7.93's http library throws on a gzip body cut at max_body_size (it inflates nil):
  -- a request that throws counts as no answer.
  local function get(path)
    local ok, r = pcall(http.get, host, port, path, opts)
    if ok and r and r.status then return r end
    return nil
  end

  local markers, builds, out = {}, {}, stdnse.output_table()
  local answered, online = false, false
  out.status = "failed" -- first in the output; set at the end
  local function headers(r)
    local fe = r.header["x-feserver"]
    if fe and fe ~= "" then
      markers["x-feserver"] = true
      out.feserver = fe
    end
    local v = parse_build(r.header["x-owa-version"])
    if v then
      markers["x-owa-version"] = true
      table.insert(builds, v)
      return true
    end
    return false
  end

  -- 1. The logon page.
  local r = get("/owa/auth/logon.aspx")
  if r then
    answered = true
    headers(r)
    if r.status == 200 and r.body then
      local title = r.body:match("<[Tt][Ii][Tt][Ll][Ee]>%s*([^<]-)%s*</[Tt][Ii][Tt][Ll][Ee]>")
      local owa_title = title and (title:find("Outlook") or title:find("Exchange")) and true or false
      local cu = r.body:match("/owa/auth/(%d+%.%d+%.%d+)/")
      local legacy = r.body:match("/owa/(%d+%.%d+%.%d+%.%d+)/")
      if owa_title and (cu or legacy) then markers["logon-page"] = true end
      if cu then out.cu = cu end
      local v = parse_build(legacy)
      if v then table.insert(builds, v) end
    end
  end

  -- 2. The EWS 401, and 3. a second sample when it gave a build.
  for _, path in ipairs({"/EWS/Exchange.asmx", "/owa/service.svc"}) do
    r = get(path)
    local gave = false
    if r then
      answered = true
      gave = headers(r)
      if r.status == 401 then
        local auth = r.header["www-authenticate"] or ""
        if auth:find("Bearer", 1, true) and auth:find(ONLINE_CLIENT_ID, 1, true) then
          online = true
        elseif (auth:find("Negotiate", 1, true) or auth:find("NTLM", 1, true)) and r.header["request-id"] then
          markers["ews-auth"] = true
        end
      end
    end
    if not gave then break end
  end

  local low
  for _, v in ipairs(builds) do
    if v[1] == 15 and v[2] == 20 then online = true end
    if not low or less(v, low) then low = v end
  end
  local n = 0
  for _ in pairs(markers) do n = n + 1 end

  if online then
    out.status = "exchange-online"
  elseif n >= 2 then
    out.status = "exchange"
  elseif answered then
    out.status = "not-exchange"
  else
    out.status = "failed"
  end
  if low then out.build = build_string(low) end
  if #builds > 0 then
    local seen = {}
    for _, v in ipairs(builds) do table.insert(seen, build_string(v)) end
    out.builds = table.concat(seen, " ")
  end
  return out
end
