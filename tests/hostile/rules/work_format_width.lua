-- Trick: string.format with a huge field width.
-- Expected: Lua refuses the conversion: error "invalid conversion specification: '%099999d'" at line 4.
rule { id = "format-largeur", title = "Largeur énorme", check = function(p)
    return pass(string.format("%099999d", 1))
end }
