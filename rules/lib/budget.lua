-- Budget helpers: totals of a project's co-financing plan.
--
-- Every helper reads the project through its recording view, so the facts
-- a rule used (each expense or resource line read) appear in its trace.
local B = {}

B.CATEGORY_LABELS = {
    staff = "Frais de personnel",
    services = "Prestations de services",
    equipment = "Matériel",
    travel = "Déplacements",
    indirect = "Coûts indirects",
    other = "Autres dépenses",
}

-- "Matériel" for "equipment"; the name itself when unknown.
function B.category_label(category)
    return B.CATEGORY_LABELS[category] or category
end

-- Checked sum of the amounts of the lines that keep(line) accepts (all
-- lines when keep is nil). keep reads what it needs first, so a line's
-- amount is read, and becomes a fact, only when the line counts.
local function sum_lines(lines, keep)
    local t = 0
    for _, line in ipairs(lines) do
        if keep == nil or keep(line) then t = add(t, line.amount) end
    end
    return t
end

-- Total of all expense lines (the eligible cost).
function B.total_expenses(p)
    return sum_lines(p.expenses)
end

-- Total of the expense lines of one category (0 when it has none).
function B.expenses_of(p, category)
    return sum_lines(p.expenses, function(e) return e.category == category end)
end

-- Total of all resource lines.
function B.total_resources(p)
    return sum_lines(p.resources)
end

-- A set from a financer id or a list of ids.
local function id_set(ids)
    if type(ids) == "string" then return { [ids] = true } end
    local s = {}
    for _, id in ipairs(ids) do s[id] = true end
    return s
end

-- Total of the resource lines of a financer (or of a list of financers).
function B.resources_of(p, financers)
    local set = id_set(financers)
    return sum_lines(p.resources, function(r) return set[r.financer] end)
end

-- What lines count in a share check: each line's amount, or what its
-- financer published under the act that granted it (published_grant, eligo
-- import scdl) when that is more: the plan cannot hide part of a grant the
-- financer has made public. Returns that total, and the part of it published
-- beyond the lines (0 when nothing published exceeds them).
local function counted_lines(lines, keep)
    local t, beyond = 0, 0
    for _, line in ipairs(lines) do
        if keep(line) then
            local amount = line.amount
            local published = published_grant(line)
            if published ~= nil and published > amount then
                beyond = add(beyond, sub(published, amount))
                amount = published
            end
            t = add(t, amount)
        end
    end
    return t, beyond
end

-- counted_resources_of(p, financers): resources_of as a share check counts
-- it (counted_lines).
function B.counted_resources_of(p, financers)
    local set = id_set(financers)
    return counted_lines(p.resources, function(r) return set[r.financer] end)
end

-- counted_public_resources(p): public_resources as a share check counts it.
function B.counted_public_resources(p)
    return counted_lines(p.resources, function(r) return r.public end)
end

-- Total of the resources earmarked to category, from the given financer(s)
-- or from any financer when financers is nil.
function B.earmarked(p, category, financers)
    local set = financers and id_set(financers)
    return sum_lines(p.resources, function(r)
        return (not set or set[r.financer]) and r.earmark == category
    end)
end

-- Total of public resources (EU, State, local authorities, social security).
function B.public_resources(p)
    return sum_lines(p.resources, function(r) return r.public end)
end

-- Expenses minus resources: 0 when the plan balances.
function B.imbalance(p)
    return sub(B.total_expenses(p), B.total_resources(p))
end

return B
