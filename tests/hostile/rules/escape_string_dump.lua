-- Trick: turn a function into bytecode with string.dump (the first step towards
-- loading binary chunks; STYLE.md says string.dump is removed).
-- Expected: absent: error "attempt to call a nil value (field 'dump')" at line 6.
rule { id = "evasion-dump", title = "string.dump", check = function(p)
    local f = function() return 1 end
    local code = string.dump(f)
    return pass("bytecode of " .. #code .. " bytes")
end }
