-- Plan helpers for the library's constructors (not exported to rule files:
-- rule files use the constructors, which name what they check). Built on
-- the budget helpers; amounts are integers in cents.
local budget = require("budget")
local B = {}

-- Whether value is in list (a list or a list parameter); nil never is.
function B.in_list(list, value)
    if value == nil then return false end
    for _, v in ipairs(list) do
        if v == value then return true end
    end
    return false
end

-- Total of the owner's self-financing: resource lines of financers of
-- nature `self` (the owner's own funds).
function B.own_funds(p)
    local t = 0
    for _, r in ipairs(p.resources) do
        if r.nature == "self" then t = add(t, r.amount) end
    end
    return t
end

-- Whether a financer's lines in the plan are public money (false when it
-- has no line or its financer document is unknown).
function B.is_public(p, financer)
    for _, r in ipairs(p.resources) do
        if r.financer == financer and r.public then return true end
    end
    return false
end

-- The grant at stake for the call c: what the project requests from it
-- (applies_to[].requested), else the call financer's lines in the plan.
function B.grant_of(p, c)
    local requested = c.requested
    if requested ~= nil then return requested end
    return budget.resources_of(p, c.financer)
end

-- The actions of a budget detailed by action, in order of first
-- appearance (expenses then resources), each with its expenses and
-- resources: { {action=, expenses=, resources=}, ... }; empty when no line
-- names an action.
function B.actions(p)
    local list, index = {}, {}
    local function entry(name)
        local a = index[name]
        if not a then
            a = { action = name, expenses = 0, resources = 0 }
            index[name] = a
            list[#list + 1] = a
        end
        return a
    end
    for _, e in ipairs(p.expenses) do
        local name = e.action
        if name ~= nil then
            local a = entry(name)
            a.expenses = add(a.expenses, e.amount)
        end
    end
    for _, r in ipairs(p.resources) do
        local name = r.action
        if name ~= nil then
            local a = entry(name)
            a.resources = add(a.resources, r.amount)
        end
    end
    return list
end

local function gcd(a, b)
    while b ~= 0 do a, b = b, a % b end
    return a
end

-- Largest common denominator accepted for declared shares: shares are
-- percentages (den 100 to 10 000) or small fractions in practice.
local MAX_SHARE_DEN = 1000000000000

-- The shares the applicants declare (applicants[].share), added up
-- exactly over their common denominator: { total = {num=, den=},
-- missing = {num=, den=} (100 % minus the total, negative above 100 %),
-- undeclared = the first applicant without a share or nil, den = the
-- common denominator }. nil when no applicant declares a share; nil and a
-- French message when the common denominator would be too large.
function B.declared_shares(p)
    local apps = p.applicants
    local den, any, undeclared = 1, false, nil
    for i = 1, #apps do
        local s = apps[i].share
        if s == nil then
            undeclared = undeclared or apps[i].name
        else
            any = true
            local d = s.den
            local f = den // gcd(den, d)
            -- Checked before multiplying, so the product cannot wrap around.
            if d > MAX_SHARE_DEN or f > MAX_SHARE_DEN // d then
                return nil, "parts déclarées aux dénominateurs trop grands"
            end
            den = f * d
        end
    end
    if not any then return nil end
    local num = 0
    for i = 1, #apps do
        local s = apps[i].share
        if s ~= nil then num = num + s.num * (den // s.den) end
    end
    return { total = { num = num, den = den }, missing = { num = den - num, den = den },
        undeclared = undeclared, den = den }
end

-- Why declared shares cannot be used as they are, in French, or nil when
-- they can (every applicant declares one and they sum to exactly 100 %):
-- "les parts déclarées totalisent 99,99 % et non 100 % (manque 0,01 %)",
-- "part de B non déclarée (les parts déclarées totalisent 50 %, manque 50 %)".
function B.shares_problem(d)
    local total, missing = d.total, d.missing
    if d.undeclared then
        return string.format("part de %s non déclarée (les parts déclarées totalisent %s, manque %s)",
            d.undeclared, fmt_rate(total), fmt_rate(missing))
    end
    if missing.num > 0 then
        return string.format("les parts déclarées totalisent %s et non 100 %% (manque %s)",
            fmt_rate(total), fmt_rate(missing))
    elseif missing.num < 0 then
        return string.format("les parts déclarées totalisent %s et non 100 %% (excédent %s)",
            fmt_rate(total), fmt_rate({ num = -missing.num, den = missing.den }))
    end
    return nil
end

-- Splits `amount` (cents) between the applicants, in document order:
-- by = "parity" in equal parts, by = "shares" by their declared shares,
-- which must all be given and sum to exactly 100 %. Parts come from the C
-- primitive split() (largest remainder method): each part is the floor of
-- its exact share and the leftover cents, fewer than the number of parts,
-- go one each to the parts with the largest remainders, ties to the
-- earliest applicant; the parts always sum exactly to amount.
-- Returns { {name=, amount=}, ... } or nil and a French message.
function B.grant_parts(p, amount, by)
    local apps = p.applicants
    local n = #apps
    local weights
    if by == "shares" then
        local d, err = B.declared_shares(p)
        if not d then
            return nil, err or string.format("part de %s non déclarée", apps[1].name)
        end
        local problem = B.shares_problem(d)
        if d.undeclared then return nil, problem end
        for i = 1, n do
            if apps[i].share.num == 0 then
                return nil, string.format("part nulle déclarée pour %s", apps[i].name)
            end
        end
        if problem then return nil, problem end
        weights = {}
        for i = 1, n do
            local s = apps[i].share
            weights[i] = s.num * (d.den // s.den)
        end
    elseif by ~= "parity" then
        error(tr("split_grant: `by` must be \"parity\" or \"shares\""), 3)
    end
    local parts = split(amount, weights, n)
    local out = {}
    for i = 1, n do out[i] = { name = apps[i].name, amount = parts[i] } end
    return out
end

return B
