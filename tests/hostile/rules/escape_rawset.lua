-- Trick: rawset on the string library proxy to replace string.rep for the next rules.
-- Expected: rawset is removed: error "attempt to call a nil value (global 'rawset')" at line 4.
rule { id = "evasion-rawset", title = "rawset", check = function(p)
    rawset(string, "rep", function() return "" end)
    return pass("string.rep replaced")
end }
