-- Trick: look for the raw functions, which bypass every read-only proxy.
-- Expected: contained: none of rawget, rawset, rawequal, rawlen is reachable; the rule
-- passes with "no raw access".
rule { id = "evasion-raw", title = "Fonctions raw*", check = function(p)
    for _, name in ipairs({ "rawget", "rawset", "rawequal", "rawlen" }) do
        if _ENV[name] ~= nil then return fail(name .. " is reachable") end
    end
    return pass("no raw access")
end }
