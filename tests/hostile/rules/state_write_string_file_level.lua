-- Trick: replace string.format at file level, before any rule is declared.
-- Expected: the file does not load: "chargement-regles" error "string.format is read-only" at line 4.
string.format = function() return "forged" end
rule { id = "jamais", title = "Jamais déclarée", check = function(p) return pass("x") end }
