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

local C = ...                       -- primitives from C (money, source loader)
local getinfo = debug.getinfo
local setupvalue = debug.setupvalue
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
-- next project. Nested tables are frozen too.
local function frozen(t, name)
    local children = {}
    return setmetatable({}, {
        __index = function(_, k)
            local v = t[k]
            if type(v) == "table" then
                local c = children[k]
                if not c then
                    c = frozen(v, name .. "." .. tostring(k))
                    children[k] = c
                end
                return c
            end
            return v
        end,
        __newindex = function(_, k)
            error(string_format("%s.%s is read-only", name, tostring(k)), 2)
        end,
        __pairs = function(proxy)
            return function(_, k)
                local nk = next(t, k)
                if nk == nil then return nil end
                return nk, proxy[nk]
            end, proxy, nil
        end,
        __len = function() return #t end,
        __metatable = name,
    })
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
-- Lua's pattern matcher runs in C, where the instruction hook never fires:
-- `string.find(string.rep("a", 5000), ".-.-.-.-b")` would backtrack for
-- hours. Each repetition (`*`, `+`, `-`) multiplies the work by the length
-- of the text, so a pattern with q repetitions on n bytes costs about
-- n^(q+1) steps; above PATTERN_BUDGET the call is refused with an error
-- (which the rule then reports) instead of hanging. Plain finds
-- (find(s, p, init, true)) and patterns without repetition are not limited.
local PATTERN_BUDGET = 1000000000

local function repetitions(p)
    local q = 0
    local i, n = 1, #p
    while i <= n do
        local c = string_sub(p, i, i)
        if c == "%" then
            i = i + 2
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
            if c == "*" or c == "+" or c == "-" then q = q + 1 end
            i = i + 1
        end
    end
    return q
end

-- (n + 1)^(q + 1) > PATTERN_BUDGET, in integers.
local function too_costly(n, q)
    local cost = 1
    for _ = 1, q + 1 do
        cost = cost * (n + 1)
        if cost > PATTERN_BUDGET then return true end
    end
    return false
end

local function guard(name, fn)
    return function(s, p, a, plain, ...)
        if type(s) == "string" and type(p) == "string" and not (name == "find" and plain) then
            local q = repetitions(p)
            if q > 0 and too_costly(#s, q) then
                error(string_format("string.%s: pattern %q with %d repetitions on a text of " ..
                    "%d bytes could run for hours; use a simpler pattern or a plain find",
                    name, p, q, #s), 2)
            end
        end
        return fn(s, p, a, plain, ...)
    end
end
for _, name in ipairs({ "find", "match", "gmatch", "gsub" }) do
    string[name] = guard(name, string[name])
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

local function record(path, v)
    local c = ctx
    if not c then return end
    if not c.facts then
        -- Read while the rule file declares its rules (a `param "x"` in a
        -- constructor's arguments): a fact of the next rule declared.
        if c.pending then c.pending[#c.pending + 1] = { path, v } end
        return
    end
    if c.facts_seen[path] == nil then
        c.facts_seen[path] = true
        c.facts[#c.facts + 1] = path
        c.fact_values[path] = v         -- nil recorded as a missing fact
        if v == nil then c.missing[#c.missing + 1] = path end
    end
end

-- One metatable serves every view; a view's own state (the data it shows,
-- its path, the views of its children) lives in a weak table keyed by the
-- view, so making a view costs one table, not a metatable and closures.
local VIEWS = setmetatable({}, { __mode = "k" })
local view

-- A view of the project or the call read while rules are declared (not
-- while they run): the declaration depends on this project.
local function touch(st)
    local c = ctx
    if c and not c.facts and string_sub(st.path, 1, 6) ~= "params" then c.touched = true end
end

local VIEW_META = {
    __index = function(proxy, k)
        local st = VIEWS[proxy]
        touch(st)
        local v = st.data[k]
        if type(v) == "table" then
            local c = st.cache[k]
            if not c then
                c = view(v, child_path(st.path, k))
                st.cache[k] = c
            end
            return c
        end
        -- Past the end of a list is how ipairs stops: not a fact.
        if v == nil and math_type(k) == "integer" then return nil end
        -- Every rule reads the same fields again: build each path once.
        local p = st.paths[k]
        if not p then
            p = child_path(st.path, k)
            st.paths[k] = p
        end
        record(p, v)
        return v
    end,
    __newindex = function(proxy, k)
        local path = VIEWS[proxy].path
        error(string_format("%s is read-only (assignment to %s)",
            path == "" and "the project" or path, child_path(path, k)), 2)
    end,
    __len = function(proxy)
        local st = VIEWS[proxy]
        touch(st)
        return #st.data
    end,
    __pairs = function(proxy)
        touch(VIEWS[proxy])
        local data = VIEWS[proxy].data
        return function(_, k)
            local nk = next(data, k)
            if nk == nil then return nil end
            return nk, proxy[nk]
        end, proxy, nil
    end,
    __metatable = "read-only view",
}

view = function(data, path)
    local proxy = setmetatable({}, VIEW_META)
    VIEWS[proxy] = { data = data, path = path, cache = {}, paths = {} }
    return proxy
end

------------------------------------------------------------------------------
-- Results.

local RESULT = {}                   -- private key marking a well-formed result

local function result(status, message, figures)
    if message ~= nil and type(message) ~= "string" then
        error("a rule message must be text, got " .. type(message), 3)
    end
    if figures ~= nil and type(figures) ~= "table" then
        error("rule figures must be a table, got " .. type(figures), 3)
    end
    return { status = status, message = message, figures = figures, [RESULT] = true }
end

G.pass = function(message, figures) return result("pass", message, figures) end
G.fail = function(message, figures) return result("fail", message, figures) end
G.na = function(message, figures) return result("not-applicable", message, figures) end

-- A notice is added to the trace of the rule being evaluated (e.g. a
-- convention is required above 23 000 €); it never changes a status.
G.notice = function(text)
    if type(text) ~= "string" then error("notice expects text", 2) end
    if not ctx or not ctx.current then error("notice() is only valid while a rule is evaluated", 2) end
    local n = ctx.current.notices
    n[#n + 1] = text
end

-- Records a figure for the decision (e.g. the maximum grantable amount with
-- the rule that limits it). Integers are amounts in cents.
G.decision_figure = function(name, value)
    if not ctx or not ctx.current then error("decision_figure() is only valid while a rule is evaluated", 2) end
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
    if type(name) ~= "string" then error("param expects a parameter name", 2) end
    local c = ctx
    if not c then error("param() is only valid in a call's rule file", 2) end
    c.params_used[name] = true
    if c.lint then lint_ask(c, name, false) end
    local v = c.params[name]
    if v == nil and not c.lint then
        error(string_format("parameter %q is not defined by call %q", name, c.call.id), 2)
    end
    if c.lint and v == nil then return nil end
    if type(v) == "table" then return view(v, "params." .. name) end
    record("params." .. name, v)
    return v
end

-- Optional parameter: its default when the call does not define it.
G.param_or = function(name, default)
    local c = ctx
    if not c then error("param_or() is only valid in a call's rule file", 2) end
    c.params_used[name] = true
    if c.lint then lint_ask(c, name, true) end
    if c.params[name] == nil then return default end
    return G.param(name)
end

------------------------------------------------------------------------------
-- The rule primitive.

local RULE_KEYS = { id = "string", title = "string", basis = "string", check = "function",
    applies = "function", kind = "string", financer = "string", category = "string" }

G.rule = function(spec)
    local c = ctx
    if not c then error("rule() is only valid in a call's rule file", 2) end
    if type(spec) ~= "table" then error("rule expects a table { id = ..., title = ..., check = ... }", 2) end
    for k, t in pairs(RULE_KEYS) do
        if spec[k] ~= nil and type(spec[k]) ~= t then
            error(string_format("rule field %q must be a %s, got %s", k, t, type(spec[k])), 2)
        end
    end
    if not spec.id or spec.id == "" then error("a rule needs an id", 2) end
    if not spec.check then error(string_format("rule %q has no check function", spec.id), 2) end
    -- Lint declares duplicates too, so it can report each with both lines.
    if c.rule_ids[spec.id] and not c.lint then
        error(string_format("duplicate rule id %q (first declared at %s)", spec.id, c.rule_ids[spec.id]), 2)
    end
    local where = rule_location(2) or first_rules_frame(2) or "?"
    c.rule_ids[spec.id] = c.rule_ids[spec.id] or where
    local declared = c.pending
    c.pending = {}
    c.rules[#c.rules + 1] = {
        id = spec.id, title = spec.title or "",
        basis = spec.basis or (c.call and c.call.basis) or "",
        check = spec.check, applies = spec.applies, source = where, kind = spec.kind,
        declared = declared,
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
            error(string_format("cannot set global %q: library globals are read-only", tostring(k)), 2)
        end
        rawset(G, k, v)
    end,
    __metatable = "globals",
})

G.require = function(name)
    if type(name) ~= "string" or not name:match("^[%w_]+$") then
        error("require expects a rule library module name such as \"budget\"", 2)
    end
    local m = lib_loaded[name]
    if m ~= nil then return m end
    if lib_loading[name] then error(string_format("circular require of %q", name), 2) end
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

-- project, call and params are plain tables built by C. Runs the call's
-- chunk in a fresh environment, which declares the rules.
-- Declared rules are kept per compiled call file, with the key of what the
-- declaration depended on (the call's id, basis and edition, and every
-- parameter value), and reused while the key is the same: declaring runs
-- the constructors again for nothing otherwise. A declaration that touched
-- the project or the call (anything but parameters) is never reused, since
-- it could declare other rules for another project.
local declared = setmetatable({}, { __mode = "k" })

local function scalar_key(v)
    if type(v) ~= "table" then return tostring(v) end
    local parts = {}
    for k, x in next, v do parts[#parts + 1] = tostring(k) .. "=" .. tostring(x) end
    table_sort(parts)
    return "{" .. table_concat(parts, ",") .. "}"
end

local function declaration_key(call, params)
    local names = {}
    for k in next, params do names[#names + 1] = k end
    table_sort(names)
    local parts = { tostring(call.id), tostring(call.basis), tostring(call.edition) }
    for _, k in ipairs(names) do parts[#parts + 1] = k .. "=" .. scalar_key(params[k]) end
    return table_concat(parts, "\0")
end

-- project, call and params are plain tables built by C. Runs the call's
-- chunk in a fresh environment, which declares the rules (or reuses the
-- rules it declared for an earlier project, see above).
function E.begin(chunk, project, call, params, lint)
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
    local key = not lint and declaration_key(call, ctx.params) or nil
    local kept = key and declared[chunk]
    if kept and kept.key == key then
        ctx.rules, ctx.rule_ids = kept.rules, kept.rule_ids
        for k in next, kept.params_used do ctx.params_used[k] = true end
        return #ctx.rules
    end
    chunk()
    if key and not ctx.touched then
        local used = {}
        for k in next, ctx.params_used do used[k] = true end
        declared[chunk] = { key = key, rules = ctx.rules, rule_ids = ctx.rule_ids,
            params_used = used }
    end
    return #ctx.rules
end

-- Rule metadata for C: id, title, basis, source, kind (nil for rule{}).
function E.rule_info(i)
    local r = ctx.rules[i]
    return r.id, r.title, r.basis, r.source, r.kind
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
    if r.applies and not r.applies(p, cv) then
        status, message = "not-applicable", nil
    else
        local res = r.check(p, cv)
        if res == true then
            status = "pass"
        elseif res == false then
            status = "fail"
        elseif type(res) == "table" and rawget(res, RESULT) == true then
            status, message, figures = res.status, res.message, res.figures
        else
            error(string_format("rule %q returned %s; expected pass(...), fail(...), na(...) or a boolean",
                r.id, res == nil and "nothing" or type(res)), 0)
        end
    end
    local c = ctx.current
    local facts, values, missing = ctx.facts, ctx.fact_values, ctx.missing
    ctx.current, ctx.facts = nil, nil
    return status, message or "", figures, facts, values, c.notices, missing
end

-- Leaves the evaluation, dropping every reference to the project.
function E.finish()
    local figs = ctx and ctx.decision_figures or {}
    ctx = nil
    return figs
end

return E
