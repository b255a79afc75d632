-- Trick: pairs({}) returns Lua's own next, which walks the raw fields of a read-only
-- view: its private data table, writable. The rule rewrites the equipment amount
-- so that the ceiling rule after it passes and records a forged fact.
-- Expected: the raw next is not reachable: the probe passes ("the raw next is not
-- reachable") and the ceiling fails on the real 500,00 €; exit 1.
rule { id = "evasion-next", title = "Le next brut de pairs({})", check = function(p)
    local raw_next = pairs({})
    local view = p.expenses[1]
    local k = raw_next(view)
    if type(k) ~= "string" then
        for _, data in raw_next, view do
            if type(data) == "table" and data.amount then data.amount = 0 end
        end
        return fail("raw view data reached and rewritten")
    end
    return pass("the raw next is not reachable")
end }
ceiling { id = "plafond", category = "equipment", max = eur(1) }
