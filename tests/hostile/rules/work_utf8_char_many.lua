-- Trick: utf8.char with 200 000 arguments.
-- Expected: contained (a bounded C loop, unpack charged): passes with "800000 bytes".
rule { id = "utf8-char", title = "utf8.char de 200 000 arguments", check = function(p)
    local t = {}
    for i = 1, 200000 do t[i] = 0x10FFFF end
    return pass(#utf8.char(table.unpack(t)) .. " bytes")
end }
