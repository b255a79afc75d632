-- The rule library: what every call's rule file can use without `require`.
--
-- Each module returns a table; its functions become globals of rule files.
-- Amounts are integers in cents everywhere; rates are {num=, den=} tables.
local exports = {}
for _, name in ipairs({ "money", "budget", "constructors", "eligibility" }) do
    for k, v in pairs(require(name)) do
        if exports[k] ~= nil then
            error(string.format(tr("rule library: %q is exported twice (module %s)"), k, name))
        end
        -- A primitive of the sandbox (split, fmt, rule...) must not be replaced.
        if _ENV[k] ~= nil then
            error(string.format(tr("rule library: %q (module %s) would replace a primitive"), k, name))
        end
        exports[k] = v
    end
end
return exports
