-- Trick: error() with a table: its text is "table: 0x55...", an address that changes
-- from run to run, so the decision cannot be replayed.
-- Expected: error at line 6 with a message that does not depend on the run
-- ("error object is a table"), and replay reproduces the decision.
rule { id = "erreur-table", title = "error({})", check = function(p)
    error({ code = 1 })
end }
