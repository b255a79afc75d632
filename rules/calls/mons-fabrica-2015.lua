-- Ville de Mons-en-Barœul, « Mons Fabrica »: the prefiguration entrusted to
-- an association under a convention d'objectifs, paid from the 2015 budget
-- (seed 000). The basis of every rule defaults to the call document's.

-- « contractualiser, sous la forme d'une convention d'objectifs, avec
-- l'Association Nord Internet Solidaire »
applicants {
    id = "beneficiaire-association",
    title = "Le bénéficiaire est une association",
    statuses = param "eligible_statuses",
}

-- The project serves the town's territory.
territory {
    id = "territoire-mons",
    title = "Le projet se déroule à Mons-en-Barœul",
    communes = param "communes",
}

-- « utiliser les crédits ouverts au budget de l'exercice 2015 »
window {
    id = "exercice-2015",
    title = "Le projet se déroule dans l'exercice budgétaire 2015",
    period_start = param "period_start",
    period_end = param "period_end",
}

-- Loi 2000-321 art. 10: a convention above 23 000 €; the deliberation
-- provides a convention d'objectifs in any case.
convention {
    id = "convention-objectifs",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}
