-- Trick: return nothing.
-- Expected: error "rule \"rien\" returned nothing" at the declaration, line 3.
rule { id = "rien", title = "Rien", check = function(p)
    local _ = p.title
end }
