-- Trick: table.insert into the string library (a write from C, through lua_seti).
-- Expected: error "string.1 is read-only" at line 4.
rule { id = "inserer", title = "table.insert(string, ...)", check = function(p)
    table.insert(string, "x")
    return pass("inserted")
end }
