-- Trick: keep 12 MiB alive in a file-level local, referenced by the rule, hoping the
-- next call evaluated in the same sandbox runs out of memory.
-- Expected: contained: passes with "holds 12582912 bytes"; the witness call after it
-- (same process) is unaffected.
local big = string.rep("x", 12 * 1024 * 1024)
rule { id = "retenir", title = "Retenir 12 Mio", check = function(p)
    return pass("holds " .. #big .. " bytes")
end }
