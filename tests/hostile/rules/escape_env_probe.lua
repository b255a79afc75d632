-- Trick: walk _ENV and the library tables for anything that reaches the host.
-- Expected: contained: nothing found; the rule passes with "nothing reachable".
local FORBIDDEN = { "io", "os", "debug", "package", "load", "loadstring", "dofile", "loadfile",
    "rawget", "rawset", "rawequal", "rawlen", "coroutine", "collectgarbage", "pcall", "xpcall",
    "print", "warn", "_G", "setfenv", "getfenv", "module", "newproxy" }
rule { id = "evasion-sonde", title = "Sonder l'environnement", check = function(p)
    local found = {}
    for _, name in ipairs(FORBIDDEN) do
        if _ENV[name] ~= nil then found[#found + 1] = name end
    end
    for name, v in pairs(_ENV) do
        if name ~= "project" and name ~= "call" and name ~= "FORBIDDEN" then
            found[#found + 1] = tostring(name)
        end
    end
    if math.random or math.randomseed then found[#found + 1] = "math.random" end
    if #found > 0 then return fail("reachable: " .. table.concat(found, ", ")) end
    return pass("nothing reachable")
end }
