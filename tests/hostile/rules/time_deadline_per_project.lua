-- Trick: use up the whole project's time limit in one rule (1 MB comparisons, caught
-- at about 2.4 s), then run a short rule after the deadline.
-- Expected: the first rule errs with "time limit exceeded (2000 ms)" at line 8; the
-- deadline is per project (sandbox.h: every call fails once it has passed), so the
-- short rule after it errs too.
rule { id = "delai", title = "Tout le temps du projet", check = function(p)
    local a, b = string.rep("x", 1000000) .. "a", string.rep("x", 1000000) .. "b"
    while true do local _ = a == b end
end }
rule { id = "apres-delai", title = "Après l'échéance", check = function(p) return pass("after the deadline") end }
