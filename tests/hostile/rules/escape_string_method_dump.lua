-- Trick: reach string.dump through the string metatable (("").dump), which
-- indexes the real string table rather than the frozen copy rules see.
-- Expected: absent there too: error "attempt to call a nil value (field 'dump')" at line 6.
rule { id = "evasion-dump-methode", title = "(\"\").dump", check = function(p)
    local f = function() return 1 end
    local code = ("").dump(f)
    return pass("bytecode of " .. #code .. " bytes")
end }
