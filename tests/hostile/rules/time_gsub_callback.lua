-- Trick: an infinite loop inside a string.gsub callback (Lua called from C).
-- Expected: the hook still counts: error "instruction limit exceeded (20000000
-- instructions)" at line 6.
rule { id = "gsub-rappel", title = "Boucle dans un rappel de gsub", check = function(p)
    local s = string.gsub("abc", ".", function(c)
        while true do end
    end)
    return pass(s)
end }
