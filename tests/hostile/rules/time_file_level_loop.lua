-- Trick: loop forever at file level, while the rules are declared.
-- Expected: the file does not load: one "chargement-regles" error
-- "instruction limit exceeded (20000000 instructions)" at line 5.
while true do end
rule { id = "jamais", title = "Jamais déclarée", check = function(p) return true end }
