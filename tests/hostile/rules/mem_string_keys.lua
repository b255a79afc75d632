-- Trick: a table keyed by ever new texts.
-- Expected: error "memory limit exceeded (33554432 bytes)" at the declaration, line 3.
rule { id = "cles-texte", title = "Des clés sans fin", check = function(p)
    local t = {}
    for i = 1, 1e9 do t["key-" .. i] = true end
end }
