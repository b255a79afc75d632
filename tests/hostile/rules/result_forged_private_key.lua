-- Trick: copy the private key that marks results (found with pairs(pass())) into a
-- hand-made table.
-- Expected: contained: what it forges is exactly what pass() gives, checked in C like
-- any result: passes with "forged with the private key".
rule { id = "cle-privee", title = "La clé privée des résultats", check = function(p)
    local key
    for k in pairs(pass("model")) do if type(k) == "table" then key = k end end
    return { status = "pass", message = "forged with the private key", [key] = true }
end }
