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

-- Total of all expense lines (the eligible cost).
function B.total_expenses(p)
    local t = 0
    for _, e in ipairs(p.expenses) do t = add(t, e.amount) end
    return t
end

-- Total of the expense lines of one category (0 when it has none).
function B.expenses_of(p, category)
    local t = 0
    for _, e in ipairs(p.expenses) do
        if e.category == category then t = add(t, e.amount) end
    end
    return t
end

-- Total of all resource lines.
function B.total_resources(p)
    local t = 0
    for _, r in ipairs(p.resources) do t = add(t, r.amount) end
    return t
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
    local set, t = id_set(financers), 0
    for _, r in ipairs(p.resources) do
        if set[r.financer] then t = add(t, r.amount) end
    end
    return t
end

-- Total of the resources earmarked to category, from the given financer(s)
-- or from any financer when financers is nil.
function B.earmarked(p, category, financers)
    local set, t = financers and id_set(financers), 0
    for _, r in ipairs(p.resources) do
        if (not set or set[r.financer]) and r.earmark == category then t = add(t, r.amount) end
    end
    return t
end

-- Total of public resources (EU, State, local authorities, social security).
function B.public_resources(p)
    local t = 0
    for _, r in ipairs(p.resources) do
        if r.public then t = add(t, r.amount) end
    end
    return t
end

-- Expenses minus resources: 0 when the plan balances.
function B.imbalance(p)
    return sub(B.total_expenses(p), B.total_resources(p))
end

return B
