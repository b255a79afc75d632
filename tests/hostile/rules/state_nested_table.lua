-- Trick: write into a table nested in a file-level table.
-- Expected: nested tables are sealed too: error "cache.projects.1 is read-only" at line 5.
local cache = { projects = {} }
rule { id = "table-imbriquee", title = "Une table imbriquée", check = function(p)
    cache.projects[#cache.projects + 1] = p.id
    return pass(#cache.projects .. " project(s)")
end }
