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
        local den = 1
        for i = 1, n do
            local s = apps[i].share
            if s == nil then
                return nil, string.format("part de %s non déclarée", apps[i].name)
            end
            local d = s.den
            local f = den // gcd(den, d)
            -- Checked before multiplying, so the product cannot wrap around.
            if d > MAX_SHARE_DEN or f > MAX_SHARE_DEN // d then
                return nil, "parts déclarées aux dénominateurs trop grands"
            end
            den = f * d
        end
        weights = {}
        local total = 0
        for i = 1, n do
            local s = apps[i].share
            weights[i] = s.num * (den // s.den)
            total = total + weights[i]
            if weights[i] == 0 then
                return nil, string.format("part nulle déclarée pour %s", apps[i].name)
            end
        end
        if total ~= den then
            return nil, string.format("les parts déclarées totalisent %s et non 100 %%",
                fmt_rate({ num = total, den = den }))
        end
    elseif by ~= "parity" then
        error("split_grant: `by` must be \"parity\" or \"shares\"", 3)
    end
    local parts = split(amount, weights, n)
    local out = {}
    for i = 1, n do out[i] = { name = apps[i].name, amount = parts[i] } end
    return out
end

return B
