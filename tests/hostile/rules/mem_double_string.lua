-- Trick: double a text until the memory runs out.
-- Expected: error "memory limit exceeded (33554432 bytes)", located at the rule's
-- declaration (line 4: Lua calls no handler for memory errors).
rule { id = "doubler", title = "Doubler un texte", check = function(p)
    local s = "x"
    while true do s = s .. s end
end }
