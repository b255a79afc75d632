-- Appel à projets aux territoires: the Ville de Lille's delegated actions,
-- programme 2013 (seed 004, annex 2). Each action is financed by Lille
-- Métropole and the Ville de Lille (the owner's own funds, SELF) and carried
-- out partly by the city (staff lines) and partly by external operators
-- (services lines); the annex's TOTAL row is checked against its rows.

applicants {
    id = "porteur-ville",
    title = "Le porteur est une commune (actions déléguées à la Ville de Lille)",
    statuses = param "eligible_statuses",
}

-- Every row: Lille Métropole + Ville de Lille = dont réalisation ville +
-- dont réalisation opérateur externe (= TOTAL).
action_balance {
    id = "equilibre-par-action",
    title = "Chaque action est équilibrée : financements MEL + Ville = réalisations Ville + opérateurs",
}

-- The TOTAL row against the sums of the rows, column by column, and the
-- declared figures among themselves.
declared_totals {
    id = "totaux-annexe-2",
    title = "La ligne TOTAL de l'annexe 2 est la somme des actions",
    resources = {
        { "MEL", param "declared_mel", "Lille Métropole" },
        { "SELF", param "declared_ville", "Ville de Lille" },
    },
    expenses = {
        { "staff", param "declared_city", "dont réalisation ville de Lille" },
        { "services", param "declared_external", "dont réalisation opérateur externe" },
    },
    total = param "declared_total",
}
