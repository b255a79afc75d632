-- prelude: the trusted half of the rule sandbox, compiled into the engine.
--
-- It runs once per Lua state, before the sandbox is closed, with the debug
-- library and `load` still reachable; it keeps private references to the few
-- functions it needs and hands the engine (C) a table of entry points. Rule
-- files and the rule library never see this file's locals: they see only the
-- library globals built here (read-only) and a fresh environment per
-- evaluation, so nothing leaks from one project to the next.
--
-- The one idea: every value a rule reads from the project, the call or the
-- parameters goes through a read-only view that records the read, so the
-- trace lists the facts each rule used without rule authors doing anything.

local C = ...                       -- primitives from C (money, source loader, messages)
local tr = C.tr                     -- the French of an English message (po/fr.po, engine/tr.h)
local getinfo = debug.getinfo
local setupvalue, getupvalue, upvalueid = debug.setupvalue, debug.getupvalue, debug.upvalueid
local debug_getmetatable = debug.getmetatable
local rawequal = rawequal
local load, type, pairs, ipairs, next = load, type, pairs, ipairs, next
local error, tostring, setmetatable, select = error, tostring, setmetatable, select
local rawget, rawset = rawget, rawset
local table_sort, table_concat = table.sort, table.concat
local string_format, string_sub = string.format, string.sub
local math_type = math.type

local E = {}                        -- entry points for C
local ctx                           -- the evaluation in progress (one at a time per state)
local getmetatable = getmetatable

-- Read-only proxy of a library table (string, math, a rule library
-- module...): rules may call its functions but not replace them for the
-- next project. Nested tables are frozen too. The proxy reads from a
-- shadow copy made once (library tables do not change once loaded), so a
-- library call costs a table lookup, not a metamethod call.
local ordered_next                  -- walks a table in sorted key order (below)
local FROZEN = setmetatable({}, { __mode = "k" })   -- proxy -> the table it shows
local PROXY_OF = setmetatable({}, { __mode = "k" }) -- table -> its proxy

-- Metamethods a proxy defines itself; the others of a frozen table's own
-- metatable (__index, __call, __eq, __tostring...) are kept, called with
-- the proxy as self so that they cannot write to the table either.
local PROXY_OWN = { __newindex = true, __pairs = true, __metatable = true, __gc = true,
    __mode = true, __close = true }

local function frozen(t, name)
    if FROZEN[t] then return t end      -- already a proxy
    local existing = PROXY_OF[t]
    if existing then return existing end
    local shadow = {}
    local meta = {
        __index = shadow,
        __newindex = function(_, k)
            error(string_format(tr("%s.%s is read-only"), name, tostring(k)), 2)
        end,
        __pairs = function(p)
            return function(_, k)
                return ordered_next(p, shadow, k)
            end, p, nil
        end,
        __len = function() return #shadow end,
        __metatable = name,
    }
    local proxy = setmetatable({}, meta)
    PROXY_OF[t] = proxy
    FROZEN[proxy] = shadow
    for k, v in next, t do
        if type(k) == "table" then k = frozen(k, name .. "[key]") end
        if type(v) == "table" then v = frozen(v, name .. "." .. tostring(k)) end
        shadow[k] = v
    end
    local mt = debug_getmetatable(t)
    if mt then
        for k, v in next, mt do
            if not PROXY_OWN[k] and k ~= "__index" then meta[k] = v end
        end
        local index = mt.__index
        if type(index) == "table" then
            local fi = frozen(index, name)
            meta.__index = function(_, k)
                local v = shadow[k]
                if v == nil then v = fi[k] end
                return v
            end
        elseif type(index) == "function" then
            meta.__index = function(p, k)
                local v = shadow[k]
                if v == nil then v = index(p, k) end
                return v
            end
        end
    end
    return proxy
end

-- The globals every rule file and library module sees.
local G = {}
for _, k in ipairs({ "assert", "error", "ipairs", "next", "pairs", "select", "tonumber",
    "tostring", "type", "setmetatable", "getmetatable", "_VERSION" }) do
    G[k] = _G[k]
end
local safe_math = {}
for k, v in pairs(math) do
    if k ~= "random" and k ~= "randomseed" then safe_math[k] = v end
end
G.math = frozen(safe_math, "math")
-- Library functions run in C, where the instruction hook never fires:
-- `string.find(string.rep("a", 5000), ".-.-.-.-b")` would backtrack for
-- hours, `string.rep("", 2^53)` loop as long, and so would a loop calling
-- each a million times. Every such call is charged its worst-case work,
-- estimated before it runs, against a budget of WORK_BUDGET steps per rule
-- (about a second of C at the least): a call that would overspend is
-- refused with an error naming it, which the rule then reports.
--   patterns: each repetition (`*`, `+`, `-`, `?`), balanced match (`%b`)
--     and back-reference (`%1`..`%9`) can multiply the work by the length
--     of the text, and an unanchored pattern is tried from every position:
--     (n + 1)^(k + 1) steps for k such items on n bytes (k, not k + 1,
--     when anchored with `^`). Plain finds cost n.
--   string.rep: one step per copy (copies of an empty text still loop) and
--     one per 64 bytes written; table.concat, table.move, table.unpack: one
--     per item.
local WORK_BUDGET = 100000000
local table_unpack = table.unpack
local work_left = WORK_BUDGET

-- what is translated and formatted from ... only when the call is refused:
-- charging is on every library call, refusing is rare (test_i18n extracts
-- what with the keyword charge:2).
local function charge(cost, what, ...)
    if cost > work_left then
        work_left = 0
        -- A pattern or a text can be huge: the message shows its start.
        local args = { ... }
        for i = 1, select("#", ...) do
            local a = args[i]
            if type(a) == "string" and #a > 60 then args[i] = string_sub(a, 1, 57) .. "..." end
        end
        error(string_format(tr("%s would take too long (about %.0f steps, over the %d steps a rule may spend in library functions); use a simpler pattern, a plain find or smaller texts"),
            string_format(tr(what), table_unpack(args, 1, select("#", ...))), cost,
            WORK_BUDGET), 3)
    end
    work_left = work_left - cost
end

-- Costly items of a pattern, and whether it is anchored.
local function costly_items(p)
    local k = 0
    local i, n = 1, #p
    local anchored = string_sub(p, 1, 1) == "^"
    if anchored then i = 2 end
    while i <= n do
        local c = string_sub(p, i, i)
        if c == "%" then
            local d = string_sub(p, i + 1, i + 1)
            if d == "b" then
                k = k + 1
                i = i + 4
            elseif d >= "1" and d <= "9" then
                k = k + 1
                i = i + 2
            else
                i = i + 2
            end
        elseif c == "[" then                -- a set: its '-' is a range
            i = i + 1
            if string_sub(p, i, i) == "^" then i = i + 1 end
            if string_sub(p, i, i) == "]" then i = i + 1 end
            while i <= n and string_sub(p, i, i) ~= "]" do
                if string_sub(p, i, i) == "%" then i = i + 1 end
                i = i + 1
            end
            i = i + 1
        else
            if c == "*" or c == "+" or c == "-" or c == "?" then k = k + 1 end
            i = i + 1
        end
    end
    return k, anchored
end

-- Rules use the same few patterns for every project: analyse each once.
local pattern_k, pattern_anchored, pattern_count = {}, {}, 0
local function pattern_cost(p, n)
    local k = pattern_k[p]
    if k == nil then
        if pattern_count > 10000 then pattern_k, pattern_anchored, pattern_count = {}, {}, 0 end
        k, pattern_anchored[p] = costly_items(p)
        pattern_k[p] = k
        pattern_count = pattern_count + 1
    end
    -- Each attempt compares up to the whole pattern (a long literal or set).
    local cost = (pattern_anchored[p] and 1 or (n + 1)) * (#p + 1)
    for _ = 1, k do
        cost = cost * (n + 1)
        if cost > WORK_BUDGET then return cost end
    end
    return cost
end

local to_count = math.tointeger
local function guard(name, fn)
    return function(s, p, a, plain, ...)
        if type(s) == "string" and type(p) == "string" then
            if name == "find" and plain then
                -- A plain find compares the needle at every position.
                charge((#s + 1) * (type(p) == "string" and #p + 1 or 1), "string.find")
            else
                charge(pattern_cost(p, #s), "string.%s with pattern %q on a text of %d bytes",
                    name, p, #s)
            end
            if name == "gsub" and type(a) == "string" then
                -- The replacement is expanded at every match, up to #s + 1
                -- of them (an empty match at each position) or the count
                -- asked for: each "%" of it a step, its plain runs copied at
                -- once. "%0" a million times at 5 000 empty matches did
                -- 5 * 10^9 steps that wrote nothing, out of reach of the
                -- pattern's charge and of the memory limit.
                local matches = #s + 1
                local most = to_count(plain)
                if most and most >= 0 and most < matches then matches = most end
                charge(matches * (#a // 2 + 1), "string.gsub with a replacement of %d bytes on a text of %d bytes",
                    #a, #s)
            end
        end
        return fn(s, p, a, plain, ...)
    end
end
for _, name in ipairs({ "find", "match", "gmatch", "gsub" }) do
    string[name] = guard(name, string[name])
end
-- Bytecode of a rule's functions would be a way around the text-only loader
-- and tells nothing a rule needs.
string.dump = nil

local math_tointeger = math.tointeger
local function count_arg(v)
    local n = math_tointeger(v)
    return n and n > 0 and n or 0
end

local string_rep = string.rep
string.rep = function(s, n, sep)
    local copies = count_arg(n)
    local each = (type(s) == "string" and #s or 0) + (type(sep) == "string" and #sep or 0)
    -- Copying is fast next to backtracking: a step per copy, and one per
    -- 64 bytes written.
    charge(copies + copies * each / 64, "string.rep of %d copies", copies)
    return string_rep(s, n, sep)
end

local function span(i, j)
    local a, b = math_tointeger(i), math_tointeger(j)
    if not a or not b or b < a then return 0 end
    return b - a + 1
end

local table_move = table.move
table.move = function(a1, f, e, t, a2)
    charge(span(f, e), "table.move")
    return table_move(a1, f, e, t, a2)
end
local table_sort_raw = table.sort
table.sort = function(list, comp)
    local n = type(list) == "table" and #list or 0
    local steps = n
    local log = 1
    while (1 << log) < n do log = log + 1 end
    if comp == nil and n > 0 then
        -- Without a comparator, C compares the values: texts by their length.
        local longest = 0
        for i = 1, n do
            local v = list[i]
            if type(v) == "string" and #v > longest then longest = #v end
        end
        steps = steps + n * log * (1 + longest / 64)
    else
        steps = steps + n * log
    end
    charge(steps, "table.sort of %d values", n)
    return table_sort_raw(list, comp)
end
table.concat = function(list, sep, i, j)
    local first = i or 1
    local last = j
    if last == nil and type(list) == "table" then last = #list end
    charge(span(first, last), "table.concat")
    return table_concat(list, sep, i, j)
end
table.unpack = function(list, i, j)
    local first = i or 1
    local last = j
    if last == nil and type(list) == "table" then last = #list end
    charge(span(first, last), "table.unpack")
    return table_unpack(list, i, j)
end

-- Finalizers (`__gc`) run when the collector decides, outside any rule and
-- any limit, even while the engine closes the state: rules cannot set one.
local raw_setmetatable = setmetatable
G.setmetatable = function(t, mt)
    if type(t) ~= "table" then
        error("bad argument #1 to 'setmetatable' (table expected, got " .. type(t) .. ")", 2)
    end
    local current = debug_getmetatable(t)
    if current and rawget(current, "__metatable") ~= nil then
        error(tr("cannot change a protected metatable"), 2)
    end
    if type(mt) == "table" and rawget(mt, "__gc") ~= nil then
        error(tr("__gc metamethods are not allowed in rules (a finalizer would run outside the rule's limits)"), 2)
    end
    return raw_setmetatable(t, mt)
end

G.string = frozen(string, "string")
G.table = frozen(table, "table")
G.utf8 = frozen(utf8, "utf8")
-- The string metatable's __index is the real string table; hide it.
getmetatable("").__metatable = "string"

-- Money primitives written in C (exact, overflow-checked): fmt, add, sub,
-- apply_rate_floor, apply_rate_ceil, ratio_cmp, ratio_bp, split, ...
for k, v in pairs(C.money) do G[k] = v end

------------------------------------------------------------------------------
-- Locations: the first frame that belongs to a rule file (not the library,
-- not this prelude) is where a rule is declared.

local function rule_location(level)
    level = level + 1
    while true do
        local info = getinfo(level, "Sl")
        if not info then return nil end
        local src = info.source
        if string_sub(src, 1, 7) == "@rules/" and string_sub(src, 1, 11) ~= "@rules/lib/" then
            return string_sub(src, 2) .. ":" .. info.currentline
        end
        level = level + 1
    end
end
E.rule_location = rule_location

local function first_rules_frame(level)
    level = level + 1
    while true do
        local info = getinfo(level, "Sl")
        if not info then return nil end
        if string_sub(info.source, 1, 7) == "@rules/" and info.currentline > 0 then
            return string_sub(info.source, 2) .. ":" .. info.currentline
        end
        level = level + 1
    end
end

------------------------------------------------------------------------------
-- Read-only views that record what is read.

local function child_path(path, k)
    if math_type(k) == "integer" then
        return path .. "[" .. (k - 1) .. "]"    -- 0-based, as in document error paths
    elseif path == "" then
        return tostring(k)
    end
    return path .. "." .. tostring(k)
end

-- Child paths are built once per process, not once per evaluation: every
-- project reads the same paths ("expenses[3].amount"). Only text and
-- integer keys are kept, and the cache is dropped when it grows large (a
-- rule reading thousands of distinct keys), so it stays bounded.
local PATHS, paths_count = {}, 0

local function path_of(path, k)
    local kt = type(k)
    if kt ~= "string" and math_type(k) ~= "integer" then return child_path(path, k) end
    local kids = PATHS[path]
    if kids == nil then
        if paths_count > 100000 then PATHS, paths_count = {}, 0 end
        kids = {}
        PATHS[path] = kids
    end
    local p = kids[k]
    if p == nil then
        p = child_path(path, k)
        kids[k] = p
        paths_count = paths_count + 1
    end
    return p
end

local function record(path, v)
    local c = ctx
    if not c then return end
    local seen = c.facts_seen
    if seen == nil then
        -- Read while the rule file declares its rules (a `param "x"` in a
        -- constructor's arguments): a fact of the next rule declared.
        local pending = c.pending
        if pending then pending[#pending + 1] = { path, v } end
        return
    end
    if seen[path] == nil then
        seen[path] = true
        local facts = c.facts
        facts[#facts + 1] = path
        c.fact_values[path] = v         -- nil: the project does not have it
    end
end

-- One metatable serves every view. A view is an empty-looking table whose
-- own state (the data it shows, its path, the views of its children) sits
-- in it under private keys that rules cannot name: reading it is a plain
-- table access, and making a view costs one table.
local DATA, PATH, KIDS = {}, {}, {}
local view

-- A view of the project or the call read while rules are declared (not
-- while they run): the declaration depends on this project.
local function touch(path)
    local c = ctx
    if c and c.facts_seen == nil and string_sub(path, 1, 6) ~= "params" then c.touched = true end
end

local VIEW_META = {
    -- The hottest function of an evaluation: the path cache and the
    -- recording of a new fact are inlined (record() does the same).
    __index = function(proxy, k)
        local path = proxy[PATH]
        local c = ctx
        local seen = c and c.facts_seen
        if c and seen == nil then touch(path) end
        local v = proxy[DATA][k]
        if type(v) == "table" then
            local kids = rawget(proxy, KIDS)
            if kids == nil then
                kids = {}
                rawset(proxy, KIDS, kids)
            end
            local cv = kids[k]
            if not cv then
                cv = view(v, path_of(path, k))
                kids[k] = cv
            end
            return cv
        end
        -- Past the end of a list is how ipairs stops: not a fact.
        if v == nil and math_type(k) == "integer" then return nil end
        local known = PATHS[path]
        local p = known and known[k]
        if p == nil then p = path_of(path, k) end
        if seen then
            if seen[p] == nil then
                seen[p] = true
                local facts = c.facts
                facts[#facts + 1] = p
                c.fact_values[p] = v
            end
        elseif c then
            record(p, v)
        end
        return v
    end,
    __newindex = function(proxy, k)
        local path = proxy[PATH]
        error(string_format(tr("%s is read-only (assignment to %s)"),
            path == "" and tr("the project") or path, child_path(path, k)), 2)
    end,
    __len = function(proxy)
        touch(proxy[PATH])
        return #proxy[DATA]
    end,
    __pairs = function(proxy)
        touch(proxy[PATH])
        local data = proxy[DATA]
        return function(_, k)
            return ordered_next(proxy, data, k)
        end, proxy, nil
    end,
    __metatable = "read-only view",
}

view = function(data, path)
    return setmetatable({ [DATA] = data, [PATH] = path }, VIEW_META)
end

local function view_data(t)
    return type(t) == "table" and rawget(t, DATA) or nil
end

-- Lua's own order of a table's keys changes from one process to the next
-- (string hashes are seeded at random), and a decision must not: views and
-- read-only tables are walked in sorted key order (integers, then texts,
-- then the rest by their text), computed once per table.
local SORTED = setmetatable({}, { __mode = "k" })   -- table -> { keys, position of each }

local function key_before(a, b)
    local ta, tb = math_type(a) and 0 or type(a) == "string" and 1 or 2,
        math_type(b) and 0 or type(b) == "string" and 1 or 2
    if ta ~= tb then return ta < tb end
    if ta == 2 then return tostring(a) < tostring(b) end
    return a < b
end

local function sorted_of(data)
    local o = SORTED[data]
    if o == nil then
        local keys, at = {}, {}
        for k in next, data do keys[#keys + 1] = k end
        table_sort(keys, key_before)
        for i = 1, #keys do at[keys[i]] = i end
        o = { keys, at }
        SORTED[data] = o
    end
    return o
end

-- The key after k in data's sorted order, and the view's value for it.
ordered_next = function(t, data, k)
    local o = sorted_of(data)
    local i = k == nil and 1 or (o[2][k] or #o[1]) + 1
    local nk = o[1][i]
    if nk == nil then return nil end
    return nk, t[nk]
end

-- `pairs` of a table without __pairs hands out `next`: ours, not Lua's raw
-- one, which would walk a view's private state.
local raw_pairs = pairs
G.pairs = function(t)
    local f, s, c = raw_pairs(t)
    if f == next then f = G.next end
    return f, s, c
end

-- `next` sees through the read-only proxies (library tables, views, sealed
-- file-level tables): they look empty, or hold only private state, to the
-- raw next.
G.next = function(t, k)
    local under = FROZEN[t]
    if under == nil then
        under = view_data(t)
        if under == nil then return next(t, k) end
    end
    return ordered_next(t, under, k)
end

------------------------------------------------------------------------------
-- Results.

local RESULT = {}                   -- private key marking a well-formed result

local function result(status, message, figures)
    if message ~= nil and type(message) ~= "string" then
        error(tr("a rule message must be text, got ") .. type(message), 3)
    end
    if figures ~= nil and type(figures) ~= "table" then
        error(tr("rule figures must be a table, got ") .. type(figures), 3)
    end
    return { status = status, message = message, figures = figures, [RESULT] = true }
end

-- A read of an absent field is a fact like any other (its value is absent):
-- only a rule that needs the field says so, with missing(...), or by
-- declaring it in `requires`. Paths are the document's: field(v, key)
-- gives them ("applicants[0].siret").
local function path_list(fields, level)
    local list = type(fields) == "string" and { fields } or fields
    if type(list) ~= "table" or #list == 0 then
        error(tr("missing expects the field (or a list of the fields) the rule needs, such as field(a, \"siret\")"), level)
    end
    local out = {}
    for i = 1, #list do
        if type(list[i]) ~= "string" or list[i] == "" then
            error(tr("missing: each field is a path such as \"applicants[0].siret\", got ")
                .. type(list[i]), level)
        end
        out[i] = list[i]
    end
    return out
end

G.missing = function(fields, message, figures)
    local paths = path_list(fields, 3)
    local r = result("missing", message or ("À compléter : " .. table.concat(paths, ", ")), figures)
    r.missing = paths
    return r
end

G.field = function(v, key)
    local path = type(v) == "table" and rawget(v, PATH) or nil
    if type(path) ~= "string" then
        error(tr("field expects a view of the project (p, p.applicants[1]...) and a key"), 2)
    end
    if type(key) ~= "string" and math_type(key) ~= "integer" then
        error(tr("field expects a field name or a list index"), 2)
    end
    return path_of(path, key)
end

-- published_grant(line): what the financer of resource line `line` (a view,
-- p.resources[i]) published under the act that granted it, when the line
-- names that act (grant_reference) and an imported SCDL file holds it
-- (engine/check.c ties them): its amount in cents and its source, or nil.
-- Both are facts of the rule when there is such a grant, and nothing is read
-- otherwise, so that a plan tied to no published grant has the trace it had
-- before the tie existed.
G.published_grant = function(line)
    local d = view_data(line)
    if d == nil then
        error(tr("published_grant expects a resource line of the project (p.resources[i])"), 2)
    end
    if d.published == nil then return nil end
    return line.published, line.published_source
end

G.pass = function(message, figures) return result("pass", message, figures) end
G.fail = function(message, figures) return result("fail", message, figures) end
G.na = function(message, figures) return result("not-applicable", message, figures) end

-- A notice is added to the trace of the rule being evaluated (e.g. a
-- convention is required above 23 000 €); it never changes a status.
G.notice = function(text)
    if type(text) ~= "string" then error(tr("notice expects text"), 2) end
    if not ctx or not ctx.current then error(tr("notice() is only valid while a rule is evaluated"), 2) end
    local n = ctx.current.notices
    n[#n + 1] = text
end

-- Records a figure for the decision (e.g. the maximum grantable amount with
-- the rule that limits it). Integers are amounts in cents.
G.decision_figure = function(name, value)
    if not ctx or not ctx.current then error(tr("decision_figure() is only valid while a rule is evaluated"), 2) end
    ctx.decision_figures[#ctx.decision_figures + 1] = { name = name, value = value, rule = ctx.current.id }
end

------------------------------------------------------------------------------
-- Lint mode (no project): every parameter asked for is recorded once with
-- the rule file line that asks, so lint can point at a misspelt name.

local function lint_ask(c, name, optional)
    local seen = c.asked_seen[name]
    if seen then
        if not optional then seen.optional = false end
        return
    end
    seen = { name = name, at = rule_location(3) or first_rules_frame(3) or "?", optional = optional }
    c.asked_seen[name] = seen
    c.asked[#c.asked + 1] = seen
end

------------------------------------------------------------------------------
-- Parameters: `param "max_equipment"` returns the value in force; a
-- parameter the call does not define is an error at the line that asks.

G.param = function(name)
    if type(name) ~= "string" then error(tr("param expects a parameter name"), 2) end
    local c = ctx
    if not c then error(tr("param() is only valid in a call's rule file"), 2) end
    c.params_used[name] = true
    if c.lint then lint_ask(c, name, false) end
    local v = c.params[name]
    if v == nil and not c.lint then
        error(string_format(tr("parameter %q is not defined by call %q"), name, c.call.id), 2)
    end
    if c.lint and v == nil then return nil end
    if type(v) == "table" then return view(v, "params." .. name) end
    record("params." .. name, v)
    return v
end

-- Optional parameter: its default when the call does not define it.
G.param_or = function(name, default)
    local c = ctx
    if not c then error(tr("param_or() is only valid in a call's rule file"), 2) end
    c.params_used[name] = true
    if c.lint then lint_ask(c, name, true) end
    if c.params[name] == nil then return default end
    return G.param(name)
end

------------------------------------------------------------------------------
-- The rule primitive.

-- A plain copy of a native descriptor: views and read-only tables become
-- the data they show, and a view's path is kept beside it (key .. "_path")
-- so that the engine records the same facts as the view would. Nothing is
-- read through a view here: no fact is recorded.
local function plain_copy(t)
    local src = view_data(t) or FROZEN[t] or t
    local out = {}
    for k, v in next, src do
        if type(v) == "table" then
            local vd = view_data(v)
            if vd then out[tostring(k) .. "_path"] = rawget(v, PATH) end
            out[k] = plain_copy(v)
        else
            out[k] = v
        end
    end
    return out
end

local RULE_KEYS = { id = "string", title = "string", basis = "string", check = "function",
    applies = "function", kind = "string", financer = "string", category = "string",
    native = "table", requires = "table" }

-- `requires`: the fields a rule needs, checked before its check runs: when
-- one is absent the rule ends `missing` with the fields to fill, and its
-- check does not run. A pattern is a dotted path whose list segments end
-- in "[]" (each element) and whose last segment may name alternatives:
-- "submitted", "period.start", "applicants[].status",
-- "applicants[].commune|insee" (either one). A field is absent when the
-- project does not have it, or has an empty list or table there.
local function compile_requires(list)
    local out = {}
    for i, pat in ipairs(list) do
        if type(pat) ~= "string" then
            error(string_format(tr("requires[%d] must be a field path such as \"applicants[].status\""), i), 3)
        end
        local segs = {}
        for seg in string.gmatch(pat, "[^.]+") do segs[#segs + 1] = seg end
        if #segs == 0 or string_sub(pat, 1, 1) == "." or string_sub(pat, -1) == "." or string.find(pat, "..", 1, true) then
            error(string_format(tr("requires[%d]: %q is not a field path"), i, pat), 3)
        end
        local steps = {}
        for k, seg in ipairs(segs) do
            local name, each = seg, false
            if string_sub(seg, -2) == "[]" then name, each = string_sub(seg, 1, -3), true end
            local alts = {}
            for a in string.gmatch(name, "[^|]+") do
                if not string.match(a, "^[%a_][%w_]*$") then
                    error(string_format("requires[%d]: %q is not a field path", i, pat), 3)
                end
                alts[#alts + 1] = a
            end
            if #alts == 0 or (#alts > 1 and (k < #segs or each)) then
                error(string_format(tr("requires[%d]: %q: only the last field may have alternatives (a|b)"), i, pat), 3)
            end
            steps[k] = { alts = alts, each = each }
        end
        out[i] = { text = pat, steps = steps }
    end
    return out
end

local function absent(v)
    return v == nil or (type(v) == "table" and next(v) == nil)
end

-- The fields of compiled requires `reqs` that data (the project's plain
-- tables) lacks, in the order of the patterns then of the list elements:
-- one list of paths per field lacking, its alternatives in order
-- ({ "applicants[0].commune", "applicants[0].insee" }); empty when every
-- one is there.
local function requires_missing(reqs, data)
    local out = {}
    local function walk(node, path, steps, k)
        local step = steps[k]
        if k == #steps and not step.each then
            for _, a in ipairs(step.alts) do
                if not absent(node[a]) then return end
            end
            local paths = {}
            for j, a in ipairs(step.alts) do paths[j] = child_path(path, a) end
            out[#out + 1] = paths
            return
        end
        local name = step.alts[1]
        local v = node[name]
        local here = child_path(path, name)
        if absent(v) then
            out[#out + 1] = { here }
            return
        end
        if type(v) ~= "table" then return end
        if step.each then
            if k == #steps then return end
            for i = 1, #v do
                local item = v[i]
                if type(item) == "table" then walk(item, child_path(here, i), steps, k + 1) end
            end
        else
            walk(v, here, steps, k + 1)
        end
    end
    for _, r in ipairs(reqs) do walk(data, "", r.steps, 1) end
    return out
end

G.rule = function(spec)
    local c = ctx
    if not c then error(tr("rule() is only valid in a call's rule file"), 2) end
    if type(spec) ~= "table" then error(tr("rule expects a table { id = ..., title = ..., check = ... }"), 2) end
    for k, t in pairs(RULE_KEYS) do
        if spec[k] ~= nil and type(spec[k]) ~= t then
            error(string_format(tr("rule field %q must be a %s, got %s"), k, t, type(spec[k])), 2)
        end
    end
    if not spec.id or spec.id == "" then error(tr("a rule needs an id"), 2) end
    if not spec.check then error(string_format(tr("rule %q has no check function"), spec.id), 2) end
    -- Lint declares duplicates too, so it can report each with both lines.
    if c.rule_ids[spec.id] and not c.lint then
        error(string_format(tr("duplicate rule id %q (first declared at %s)"), spec.id, c.rule_ids[spec.id]), 2)
    end
    local where = rule_location(2) or first_rules_frame(2) or "?"
    c.rule_ids[spec.id] = c.rule_ids[spec.id] or where
    local declared = c.pending
    c.pending = {}
    -- A constructor of the library may describe its check as data, which
    -- the engine then evaluates in C (engine/native.h); a rule file may
    -- not, so that what a funder's file says is always what runs.
    local native = nil
    if spec.native ~= nil then
        local info = getinfo(2, "S")
        if type(spec.native) ~= "table" or not info or string_sub(info.source, 1, 11) ~= "@rules/lib/" then
            error(tr("rule field \"native\" is reserved to the rule library"), 2)
        end
        native = plain_copy(spec.native)
    end
    local requires = spec.requires and compile_requires(plain_copy(spec.requires)) or nil
    if native and spec.requires then
        -- The C evaluator checks the same fields, and hands a project that
        -- lacks one back to Lua.
        local texts = {}
        for i, r in ipairs(requires) do texts[i] = r.text end
        native.requires = texts
    end
    c.rules[#c.rules + 1] = {
        id = spec.id, title = spec.title or "",
        basis = spec.basis or (c.call and c.call.basis) or "",
        check = spec.check, applies = spec.applies, source = where, kind = spec.kind,
        declared = declared, native = native, requires = requires,
    }
end

------------------------------------------------------------------------------
-- Library loading (`require` limited to rules/lib).

local lib_loaded, lib_loading = {}, {}
local lib_env_writable = true
local lib_env = setmetatable({}, {
    __index = G,
    __newindex = function(_, k, v)
        if not lib_env_writable then
            error(string_format(tr("cannot set global %q: library globals are read-only"), tostring(k)), 2)
        end
        rawset(G, k, v)
    end,
    __metatable = "globals",
})
-- The library's messages to rule authors are in the catalogue too; `tr` is
-- the library's own, not a global of the rule files.
rawset(lib_env, "tr", tr)

G.require = function(name)
    if type(name) ~= "string" or not name:match("^[%w_]+$") then
        error(tr("require expects a rule library module name such as \"budget\""), 2)
    end
    local m = lib_loaded[name]
    if m ~= nil then return m end
    if lib_loading[name] then error(string_format(tr("circular require of %q"), name), 2) end
    lib_loading[name] = true
    local path = "lib/" .. name .. ".lua"
    local src, err = C.read_source(path)
    if not src then error(err, 2) end
    local chunk, cerr = load(src, "@rules/" .. path, "t", lib_env)
    if not chunk then error(cerr, 0) end
    local r = chunk()
    if r == nil then r = true end
    if type(r) == "table" then r = frozen(r, name) end
    lib_loaded[name] = r
    lib_loading[name] = nil
    return r
end

-- Loads the library entry module (lib/init.lua), whose exported table
-- becomes globals of every rule file; then freezes the library globals.
function E.load_library()
    local exports = G.require("init")
    if type(exports) == "table" then
        for k, v in pairs(exports) do
            if type(v) == "table" then v = frozen(v, k) end
            rawset(G, k, v)
        end
    end
    lib_env_writable = false
end

-- The names a rule file may use as globals (for lint).
function E.globals()
    local names = {}
    for k in pairs(G) do names[#names + 1] = k end
    names[#names + 1] = "project"
    names[#names + 1] = "call"
    table_sort(names)
    return names
end

-- Compiles a call's rule file; the chunk's _ENV is replaced per evaluation.
function E.compile(path, src)
    local chunk, err = load(src, "@rules/" .. path, "t", {})
    if not chunk then return nil, err end
    return chunk
end

------------------------------------------------------------------------------
-- An evaluation.

-- Declared rules are kept per prepared call and edition (`slot`, a number
-- C gives each) and reused for every project evaluated against it:
-- declaring runs the constructors again for nothing otherwise. A
-- declaration that touched the project or the call (anything but
-- parameters) is never reused, since it could declare other rules for
-- another project.
--
-- No state crosses projects. Reused rules are closures over the rule
-- file's locals, so when a declaration is kept it is sealed: every upvalue
-- cell reachable from its functions (and from tables and metatables they
-- reach) is recorded with its value; tables held by the call file's cells
-- are replaced by read-only proxies (a write is an error at its line); and
-- before each reuse every recorded cell gets its recorded value back, so a
-- counter or a cache kept at file level starts each project as it was
-- after declaring. The prelude's own functions and C functions are not
-- walked: their state is the engine's.
local declared = setmetatable({}, { __mode = "k" })   -- chunk -> slot -> kept

local function is_engine_table(t)
    return FROZEN[t] ~= nil or view_data(t) ~= nil or rawget(t, RESULT) ~= nil
end

local function seal(rules, globals)
    local cells, seen_fn, seen_cell, seen_tab = {}, {}, {}, {}
    local walk
    local function walk_function(f)
        if seen_fn[f] then return end
        seen_fn[f] = true
        local info = getinfo(f, "S")
        local src = info.source
        if info.what == "C" or string_sub(src, 1, 7) ~= "@rules/" then return end
        local in_call_file = string_sub(src, 1, 11) ~= "@rules/lib/"
        local i = 1
        while true do
            local name, v = getupvalue(f, i)
            if name == nil then break end
            local id = upvalueid(f, i)
            if name ~= "_ENV" and not seen_cell[id] then
                seen_cell[id] = true
                if in_call_file and type(v) == "table" and not is_engine_table(v) then
                    local raw = v
                    v = frozen(raw, name)
                    setupvalue(f, i, v)
                    walk(raw)
                end
                cells[#cells + 1] = { f, i, v }
            end
            walk(v)
            i = i + 1
        end
    end
    walk = function(v)
        local t = type(v)
        if t == "function" then
            walk_function(v)
        elseif t == "table" and not seen_tab[v] then
            seen_tab[v] = true
            local under = FROZEN[v]
            if under then return walk(under) end
            if view_data(v) ~= nil then return end
            for k, x in next, v do
                walk(k)
                walk(x)
            end
            local mt = debug_getmetatable(v)
            if mt then walk(mt) end
        end
    end
    -- Globals the rule file set while declaring (helpers, constants) are
    -- given to every evaluation; their tables are frozen like the cells'.
    for k, v in next, globals do
        if type(v) == "table" and not is_engine_table(v) then
            local raw = v
            v = frozen(raw, tostring(k))
            globals[k] = v
            walk(raw)
        end
        walk(v)
    end
    for _, r in ipairs(rules) do
        walk(r.check)
        if r.applies then walk(r.applies) end
    end
    return cells
end

local function restore(cells)
    for k = 1, #cells do
        local c = cells[k]
        local f, i, v = c[1], c[2], c[3]
        local _, now = getupvalue(f, i)
        if not rawequal(now, v) then setupvalue(f, i, v) end
    end
end

-- project, call and params are plain tables built by C (call and params
-- once per prepared call). Runs the call's chunk in a fresh environment,
-- which declares the rules, or reuses the rules declared for `slot`.
-- Returns the number of rules and whether they were declared without
-- reading the project or the call (then they are the same for every
-- project of the slot).
function E.begin(chunk, project, call, params, lint, slot)
    work_left = WORK_BUDGET
    ctx = {
        rules = {}, rule_ids = {}, params = params or {}, params_used = {},
        call = call, lint = lint, decision_figures = {}, pending = {},
        asked = {}, asked_seen = {},
    }
    local env = setmetatable({}, { __index = G, __metatable = "globals" })
    env.project = project and view(project, "") or nil
    env.call = view(call, "call")
    ctx.env = env
    -- Every function of the rule file shares this upvalue: the checks of
    -- reused rules see this evaluation's environment too.
    setupvalue(chunk, 1, env)
    local by_slot = declared[chunk]
    local kept = slot and by_slot and by_slot[slot]
    if kept then
        for k, v in next, kept.globals do env[k] = v end
        restore(kept.cells)
        ctx.rules, ctx.rule_ids = kept.rules, kept.rule_ids
        for k in next, kept.params_used do ctx.params_used[k] = true end
        return #ctx.rules, true
    end
    chunk()
    if slot and not lint and not ctx.touched then
        local used = {}
        for k in next, ctx.params_used do used[k] = true end
        if not by_slot then
            by_slot = {}
            declared[chunk] = by_slot
        end
        local globals = {}
        for k, v in next, env do
            if k ~= "project" and k ~= "call" then globals[k] = v end
        end
        local cells = seal(ctx.rules, globals)
        for k, v in next, globals do env[k] = v end
        by_slot[slot] = { rules = ctx.rules, rule_ids = ctx.rule_ids, params_used = used,
            cells = cells, globals = globals }
        return #ctx.rules, true
    end
    return #ctx.rules, false
end

-- Forgets the declarations kept for slot (a prepared call freed).
function E.forget(chunk, slot)
    local by_slot = declared[chunk]
    if by_slot then by_slot[slot] = nil end
end

-- Rule metadata for C: id, title, basis, source, kind (nil for rule{}).
function E.rule_info(i)
    local r = ctx.rules[i]
    return r.id, r.title, r.basis, r.source, r.kind
end

-- Rule i's native descriptor (nil when it has none) and the facts read
-- while it was declared ({path, value} each), for engine/native.c.
function E.rule_native(i)
    local r = ctx.rules[i]
    return r.native, r.declared
end

-- The parameters the rule file asked for, sorted.
function E.params_used()
    local names = {}
    for k in pairs(ctx.params_used) do names[#names + 1] = k end
    table_sort(names)
    return names
end

-- Lint mode: the parameters asked for, in asking order:
-- { {name=, at="rules/calls/x.lua:12", optional=bool} ... }.
function E.lint_asked()
    return ctx and ctx.asked or {}    -- no ctx: the file did not compile
end

local function start_rule(r)
    work_left = WORK_BUDGET
    ctx.current = { id = r.id, notices = {} }
    ctx.facts, ctx.facts_seen, ctx.fact_values, ctx.missing = {}, {}, {}, {}
    for _, f in ipairs(r.declared) do record(f[1], f[2]) end
end

-- Evaluates rule i; returns status, message, figures, facts (ordered
-- list of paths), fact values (path -> value), notices, missing paths.
function E.run_rule(i)
    local r = ctx.rules[i]
    start_rule(r)
    -- check(p, call) and applies(p, call): the call's view is handed over
    -- too, so library constructors can read the call's financer, envelope,
    -- window and edition without rule files passing them.
    local p, cv = ctx.env.project, ctx.env.call
    local status, message, figures
    local lacking = nil
    if r.applies and not r.applies(p, cv) then
        status, message = "not-applicable", nil
    elseif r.requires then
        lacking = requires_missing(r.requires, view_data(p))
        if #lacking == 0 then lacking = nil end
    end
    if lacking then
        local said = {}
        for _, paths in ipairs(lacking) do
            for _, q in ipairs(paths) do record(q, nil) end
            ctx.missing[#ctx.missing + 1] = paths[1]
            said[#said + 1] = #paths > 1 and (paths[1] .. " (ou " .. table.concat(paths, " ou ", 2) .. ")")
                or paths[1]
        end
        status, message = "missing", "À compléter : " .. table.concat(said, ", ")
    elseif status == nil then
        local res = r.check(p, cv)
        if res == true then
            status = "pass"
        elseif res == false then
            status = "fail"
        elseif type(res) == "table" and rawget(res, RESULT) == true then
            status, message, figures = res.status, res.message, res.figures
            if status == "missing" then
                local paths = path_list(rawget(res, "missing"), 0)
                for _, path in ipairs(paths) do ctx.missing[#ctx.missing + 1] = path end
            end
        else
            error(string_format(tr("rule %q returned %s; expected pass(...), fail(...), na(...), missing(...) or a boolean"),
                r.id, res == nil and tr("nothing") or type(res)), 0)
        end
    end
    local c = ctx.current
    local facts, values, missing = ctx.facts, ctx.fact_values, ctx.missing
    ctx.current, ctx.facts, ctx.facts_seen = nil, nil, nil
    return status, message or "", figures, facts, values, c.notices, missing
end

-- Leaves the evaluation, dropping every reference to the project.
function E.finish()
    local figs = ctx and ctx.decision_figures or {}
    ctx = nil
    return figs
end

return E
