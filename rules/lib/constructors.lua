-- Declarative rule constructors, all built on the `rule` primitive.
--
-- Each takes a table: `id`, `title` (French, shown to applicants) and
-- `basis` (the legal basis; defaults to the call's) are common to all; the
-- rest is specific. The rule's source line in traces is the line of the
-- constructor call in the call's rule file.
local budget = require("budget")
local money = require("money")
local K = {}

local function need(spec, key, kind, ctor)
    local v = spec[key]
    local ok
    if kind == "cents" then
        ok = math.type(v) == "integer"
    elseif kind == "rate" then
        ok = type(v) == "table" and math.type(v.num) == "integer" and math.type(v.den) == "integer"
    else
        ok = type(v) == kind
    end
    if not ok then
        local what = kind == "cents" and "an amount in cents (eur(80820) or param \"...\")"
            or kind == "rate" and "a rate (pct(65), bp(6500), frac(1, 3) or param \"...\")"
            or "a " .. kind
        error(string.format("%s: `%s` must be %s", ctor, key, what), 3)
    end
    return v
end

-- ceiling { category = "equipment", max = param "max_equipment" }
-- ceiling { financer = "MEL", max = eur(60000) }
-- An absolute cap on an expense category or on what a financer gives.
-- Exactly at the cap passes; one cent over fails.
function K.ceiling(spec)
    local max = need(spec, "max", "cents", "ceiling")
    local category, financer = spec.category, spec.financer
    if (category == nil) == (financer == nil) then
        error("ceiling: give either `category` or `financer`", 2)
    end
    local label = category and budget.category_label(category) or financer
    rule {
        id = spec.id or ("plafond-" .. (category or financer)),
        title = spec.title or (label .. " dans la limite de " .. fmt(max)),
        basis = spec.basis, kind = "ceiling",
        check = function(p)
            local amount = category and budget.expenses_of(p, category)
                or budget.resources_of(p, financer)
            local figures = { amount = amount, max = max }
            if amount <= max then
                return pass(string.format("%s : %s ≤ plafond %s", label, fmt(amount), fmt(max)),
                    figures)
            end
            return fail(string.format("%s : %s > plafond %s (dépassement %s)", label,
                fmt(amount), fmt(max), fmt(sub(amount, max))), figures)
        end,
    }
end

-- earmark { financer = "MEL", category = "staff" }
-- Resources earmarked ("fléchées") to an expense category, from one financer
-- (or a list) or from all, are at most that category's expenses. With a
-- financer, every line of that financer must carry the earmark.
function K.earmark(spec)
    local category = need(spec, "category", "string", "earmark")
    local financer = spec.financer
    local label = budget.category_label(category)
    local who = type(financer) == "table" and table.concat(financer, ", ") or financer
    rule {
        id = spec.id or ("flechage-" .. (who or "ressources") .. "-" .. category),
        title = spec.title or ((who and ("Soutien " .. who) or "Ressources") ..
            " fléché sur : " .. string.lower(label)),
        basis = spec.basis, kind = "earmark",
        check = function(p)
            if financer and spec.exclusive ~= false then
                local set = type(financer) == "string" and { [financer] = true } or {}
                if type(financer) == "table" then for _, f in ipairs(financer) do set[f] = true end end
                for i, r in ipairs(p.resources) do
                    if set[r.financer] and r.earmark ~= category then
                        return fail(string.format(
                            "ressource %d (%s, %s) non fléchée sur : %s", i, r.financer,
                            fmt(r.amount), string.lower(label)))
                    end
                end
            end
            local earmarked = budget.earmarked(p, category, financer)
            local cost = budget.expenses_of(p, category)
            local figures = { earmarked = earmarked, expenses = cost }
            if earmarked <= cost then
                return pass(string.format("Fléché sur %s : %s ≤ dépenses %s",
                    string.lower(label), fmt(earmarked), fmt(cost)), figures)
            end
            return fail(string.format("Fléché sur %s : %s > dépenses %s (excédent %s)",
                string.lower(label), fmt(earmarked), fmt(cost), fmt(sub(earmarked, cost))),
                figures)
        end,
    }
end

-- share { financer = "MEL", min = pct(1), max = pct(5) }   (min and max optional)
-- A financer's share of the total of resources (the plan), compared exactly.
function K.share(spec)
    local financer = spec.financer
    if type(financer) ~= "string" and type(financer) ~= "table" then
        error("share: `financer` must be a financer id or a list of ids", 2)
    end
    local min = spec.min ~= nil and need(spec, "min", "rate", "share") or nil
    local max = spec.max ~= nil and need(spec, "max", "rate", "share") or nil
    if not min and not max then error("share: give `min`, `max` or both", 2) end
    local who = type(financer) == "table" and table.concat(financer, " + ") or financer
    local bounds = (min and ("au moins " .. fmt_rate(min)) or "") ..
        ((min and max) and " et " or "") .. (max and ("au plus " .. fmt_rate(max)) or "")
    rule {
        id = spec.id or ("part-" .. who),
        title = spec.title or ("Part " .. who .. " du plan de financement : " .. bounds),
        basis = spec.basis, kind = "share",
        check = function(p)
            local amount = budget.resources_of(p, financer)
            local total = budget.total_resources(p)
            local figures = { amount = amount, total = total, min = min, max = max }
            if total <= 0 then
                return fail("Plan de financement sans ressources", figures)
            end
            local text = string.format("%s : %s sur %s, soit %s", who, fmt(amount), fmt(total),
                money.fmt_share(amount, total))
            if min and ratio_cmp(amount, total, min) < 0 then
                return fail(text .. " < minimum " .. fmt_rate(min), figures)
            end
            if max and ratio_cmp(amount, total, max) > 0 then
                return fail(text .. " > maximum " .. fmt_rate(max), figures)
            end
            return pass(text .. " (" .. bounds .. ")", figures)
        end,
    }
end

-- balance { }
-- Expenses equal resources to the cent.
function K.balance(spec)
    spec = spec or {}
    rule {
        id = spec.id or "equilibre",
        title = spec.title or "Le plan de financement est équilibré",
        basis = spec.basis, kind = "balance",
        check = function(p)
            local e, r = budget.total_expenses(p), budget.total_resources(p)
            local figures = { expenses = e, resources = r, gap = sub(e, r) }
            if e == r then
                return pass(string.format("Dépenses %s = ressources %s", fmt(e), fmt(r)), figures)
            end
            return fail(string.format("Dépenses %s ≠ ressources %s (écart %s)", fmt(e), fmt(r),
                fmt(sub(e, r))), figures)
        end,
    }
end

return K
