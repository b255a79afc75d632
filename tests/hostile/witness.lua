-- The witness call of tests/cli/test_hostile_rules.sh: a normal rule file
-- evaluated right after every hostile file, in the same process (the
-- hostile project applies to both calls, the hostile one first) and for a
-- second project in the same store. Its decisions must be the ones it gets
-- alone. Its rules use what a hostile file might try to tamper with: the
-- library tables and their methods on strings, the rule library, views,
-- file-level state, notices, figures and decision figures.
balance { id = "equilibre" }

ceiling { id = "plafond-materiel", category = "equipment", max = eur(1000) }

local evaluations = 0

rule { id = "bibliotheque", title = "Les bibliothèques standard sont intactes", check = function(p)
    evaluations = evaluations + 1
    local t = { 3, 1, 2 }
    table.sort(t)
    local parts = {
        string.rep("ab", 3, "-"),
        ("%d-%s"):format(42, "x"),
        string.upper("abc") .. ("abc"):len(),
        tostring(math.max(3, 7)) .. math.floor(7 / 2),
        table.concat({ "a", "b", "c" }, "+"),
        table.concat(t, ","),
        tostring(select("#", table.unpack({ 1, 2, 3 }))),
        utf8.char(233, 8364),
        tostring(string.find("hello", "l+")),
        (string.gsub("a.b.c", "%.", "/")),
        tostring(evaluations),
        type(getmetatable("")),
    }
    local names = 0
    for _ in pairs(string) do names = names + 1 end
    parts[#parts + 1] = tostring(names)
    return pass(table.concat(parts, " "), { depenses = total_expenses(p), lignes = #p.expenses })
end }

rule { id = "avis", title = "Un avis et un montant maximal", check = function(p)
    notice("Avis du témoin : " .. fmt(total_expenses(p)))
    decision_figure("max_grantable", apply_rate_floor(total_expenses(p), pct(50)))
    return pass(p.title .. " : " .. #p.applicants .. " porteur(s)")
end }
