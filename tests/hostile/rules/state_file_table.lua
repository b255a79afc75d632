-- Trick: a file-level table the check writes into (a cache of projects seen).
-- Expected: file-level tables are sealed read-only: error "seen.<project> is read-only" at line 6.
local seen = {}
rule { id = "table-fichier", title = "Une table de fichier", check = function(p)
    local n = 0
    seen[p.id] = true
    for _ in pairs(seen) do n = n + 1 end
    return pass(n .. " project(s) seen")
end }
