-- Trick: a global table made at file level, written by the check.
-- Expected: sealed like file-level locals: error "registry.1 is read-only" at line 6.
registry = {}
rule { id = "registre", title = "Un registre global", check = function(p)
    local n = #registry + 1
    registry[n] = p.id
    return pass("registered " .. #registry)
end }
