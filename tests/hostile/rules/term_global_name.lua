-- Trick: call a missing global whose name holds controls: Lua quotes the name in its
-- error message.
-- Expected: error "attempt to call a nil value (global '" at line 5, shown escaped.
rule { id = "terminal-global", title = "Nom de global", check = function(p)
    return _ENV["\27]0;glob\7"]()
end }
