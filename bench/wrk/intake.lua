-- wrk script for `python -m bench intake`: posts a realistic mix of intake bodies, every
-- channel, each with an external id that is unique across wrk threads and across runs.
-- bench/intake.py runs it behind harness.LUA_THREADS_AND_SETTINGS, which defines required(),
-- `threads` and setup() (each thread's `thread_number`).
--
-- Configuration comes from environment variables (bench/intake.py sets them):
--   INTAKE_RUN          prefix of every external id; one value per wrk run
--   INTAKE_CATEGORIES   comma-separated category codes of the demo city ("0101,...")
--   INTAKE_COMMUNITIES  comma-separated community (level 2) grid codes
--   INTAKE_GRIDS        comma-separated unit (level 3) grid codes
--   INTAKE_PHOTO        id of an uploaded photo, for photo reports
--   INTAKE_CENTRE       "lat,lon" of the city centre in GCJ-02
--   INTAKE_KEYS         "channel=key,...": the X-API-Key to send for each channel (the
--                       service takes a channel only from a client bound to it); optional
--   INTAKE_TRACK        "1": remember ids not yet answered and print them in done(), so the
--                       harness can count the requests still in flight when wrk stopped
--
-- done() prints one line, "@bench key=value ...", that bench/harness.py parses.

local function split(text)
   local items = {}
   for item in string.gmatch(text or "", "[^,]+") do
      items[#items + 1] = item
   end
   return items
end

local RUN = required("INTAKE_RUN")
local CATEGORIES = split(required("INTAKE_CATEGORIES"))
local COMMUNITIES = split(required("INTAKE_COMMUNITIES"))
local GRIDS = split(required("INTAKE_GRIDS"))
local PHOTO = required("INTAKE_PHOTO")
local CENTRE = split(required("INTAKE_CENTRE"))
local CENTRE_LAT, CENTRE_LON = tonumber(CENTRE[1]), tonumber(CENTRE[2])
local TRACK = os.getenv("INTAKE_TRACK") == "1"

-- One header table per channel, built once: Content-Type and that channel's key.
local HEADERS = {}
for _, channel in ipairs({
   "hotline_12345", "minsheng_110", "photo_report", "qr_code", "grid_patrol", "web",
}) do
   HEADERS[channel] = { ["Content-Type"] = "application/json" }
end
for channel, key in string.gmatch(os.getenv("INTAKE_KEYS") or "", "([%w_]+)=([^,]+)") do
   HEADERS[channel]["X-API-Key"] = key
end

-- About 0.03 degrees: a few kilometres, well inside the demo district (25 km by 20 km).
local SPREAD = 0.03

local DESCRIPTIONS = {
   "小区门口路灯不亮已经三天了，晚上行人很不方便",
   "楼下烧烤店油烟太大，窗户都不敢开",
   "工地夜间施工噪音扰民，凌晨一点还在打桩",
   "公交站台的顶棚被风吹坏了，下雨天没法候车",
   "单位拖欠三个月工资，老板一直不接电话",
   "人行道上的井盖缺失，很危险，请尽快处理",
   "小区电梯经常停在两层之间，物业不管",
   "河道里有人倾倒建筑垃圾，水都变浑了",
   "超市卖过期的牛奶，要求处理并赔偿",
   "学校门口违规停车严重，早上接送孩子堵得厉害",
}
local ADDRESSES = {
   "潭城街道府前路18号",
   "水南街道滨江路汽车站对面",
   "东门街道解放路与人民路交叉口",
   "书坊街道紫阳小区3栋",
   "溪东街道和平里菜市场门口",
}
local REQUEST_TYPES = { "complaint", "complaint", "report", "help", "consultation", "suggestion" }
local NAMES = { "王先生", "李女士", "张先生", "刘女士", "陈先生" }

-- Out of every 20 requests: 9 hotline_12345 (45%), 2 minsheng_110 (10%), 3 photo_report
-- (15%), 2 qr_code (10%), 2 grid_patrol (10%), 2 web (10%); interleaved so that a short
-- run sees the same mix as a long one.
local MIX = {
   "hotline_12345", "photo_report", "hotline_12345", "qr_code", "hotline_12345",
   "grid_patrol", "hotline_12345", "minsheng_110", "web", "hotline_12345",
   "photo_report", "hotline_12345", "qr_code", "hotline_12345", "grid_patrol",
   "minsheng_110", "hotline_12345", "photo_report", "web", "hotline_12345",
}

local function pick(list)
   return list[math.random(#list)]
end

local function point()
   return string.format(
      '{"lat":%.6f,"lon":%.6f,"crs":"gcj02"}',
      CENTRE_LAT + (math.random() * 2 - 1) * SPREAD,
      CENTRE_LON + (math.random() * 2 - 1) * SPREAD
   )
end

local function phone()
   return string.format("139%08d", math.random(0, 99999999))
end

local function call(id)
   return string.format(
      '{"caller_number":"%s","agent_id":"A%04d","started_at":"2026-11-23T%02d:%02d:%02d+08:00",'
         .. '"recording_ref":"rec-%s"}',
      phone(), math.random(1, 200), math.random(8, 20), math.random(0, 59), math.random(0, 59), id
   )
end

local BUILDERS = {
   hotline_12345 = function(id)
      return string.format(
         '{"channel":"hotline_12345","external_id":"%s","request_type":"%s",'
            .. '"category_code":"%s","description":"%s","location":%s,"address":"%s","call":%s}',
         id, pick(REQUEST_TYPES), pick(CATEGORIES), pick(DESCRIPTIONS), point(), pick(ADDRESSES),
         call(id)
      )
   end,
   minsheng_110 = function(id)
      return string.format(
         '{"channel":"minsheng_110","external_id":"%s","request_type":"help",'
            .. '"category_code":"%s","description":"%s","location":%s,"call":%s,'
            .. '"incident_110_number":"110-%s"}',
         id, pick(CATEGORIES), pick(DESCRIPTIONS), point(), call(id), id
      )
   end,
   photo_report = function(id)
      return string.format(
         '{"channel":"photo_report","external_id":"%s","description":"%s","photos":["%s"],'
            .. '"location":%s,"reporter":{"name":"%s","phone":"%s"}}',
         id, pick(DESCRIPTIONS), PHOTO, point(), pick(NAMES), phone()
      )
   end,
   qr_code = function(id)
      return string.format(
         '{"channel":"qr_code","external_id":"%s","community_code":"%s","category_code":"%s",'
            .. '"description":"%s","reporter":{"phone":"%s"}}',
         id, pick(COMMUNITIES), pick(CATEGORIES), pick(DESCRIPTIONS), phone()
      )
   end,
   grid_patrol = function(id)
      return string.format(
         '{"channel":"grid_patrol","external_id":"%s","worker_id":"W%04d","grid_code":"%s",'
            .. '"request_type":"report","category_code":"%s","description":"%s","location":%s}',
         id, math.random(1, 300), pick(GRIDS), pick(CATEGORIES), pick(DESCRIPTIONS), point()
      )
   end,
   web = function(id)
      return string.format(
         '{"channel":"web","external_id":"%s","request_type":"%s","category_code":"%s",'
            .. '"description":"%s","address":"%s","anonymous":%s}',
         id, pick(REQUEST_TYPES), pick(CATEGORIES), pick(DESCRIPTIONS), pick(ADDRESSES),
         math.random() < 0.2 and "true" or "false"
      )
   end,
}

wrk.method = "POST"

function init(args)
   -- Globals, so that done() can read them with thread:get().
   sent = 0
   ok = 0
   created = 0
   failed = 0
   pending = {}
   math.randomseed(thread_number * 7919)
end

function request()
   sent = sent + 1
   local id = string.format("%s-%d-%d", RUN, thread_number, sent)
   if TRACK then
      pending[id] = true
   end
   local channel = MIX[(sent - 1) % #MIX + 1]
   return wrk.format(nil, nil, HEADERS[channel], BUILDERS[channel](id))
end

function response(status, headers, body)
   if status >= 200 and status < 300 then
      ok = ok + 1
      if status == 201 then
         created = created + 1
      end
   else
      failed = failed + 1
   end
   if TRACK then
      -- Answered, whatever the status: only ids never answered stay pending.
      local id = string.match(body, '"external_id":"([^"]+)"')
      if id ~= nil then
         pending[id] = nil
      end
   end
end

function done(summary, latency, requests)
   local totals = { sent = 0, ok = 0, created = 0, failed = 0 }
   local unanswered = {}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(totals) do
         totals[key] = totals[key] + thread:get(key)
      end
      for id, _ in pairs(thread:get("pending")) do
         unanswered[#unanswered + 1] = id
      end
   end
   local errors = summary.errors
   io.write(string.format(
      "@bench requests=%d sent=%d ok=%d created=%d non_2xx=%d p50_us=%d p99_us=%d"
         .. " duration_us=%d errors_connect=%d errors_read=%d errors_write=%d"
         .. " errors_timeout=%d pending=%s\n",
      summary.requests, totals.sent, totals.ok, totals.created, totals.failed,
      latency:percentile(50), latency:percentile(99), summary.duration, errors.connect,
      errors.read, errors.write, errors.timeout, table.concat(unanswered, ",")
   ))
end
