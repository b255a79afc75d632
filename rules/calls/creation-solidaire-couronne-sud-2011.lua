-- « Création solidaire », Maillage with Lille Métropole, 2011 edition on the
-- Couronne Sud of Lille (seed 002). The basis of every rule defaults to the
-- call document's `basis`.

-- « En 2011 le projet se déroule sur la Couronne Sud de Lille composée de
-- 13 communes »: every commune of the project among them.
territory {
    id = "territoire-couronne-sud",
    title = "Le projet se déroule sur la Couronne Sud de Lille (13 communes)",
    communes = param "communes",
}

-- « favoriser l'émergence de projet en économie sociale et solidaire »:
-- the applicants are ESS actors.
applicants {
    id = "porteurs-ess",
    title = "Les porteurs relèvent de l'économie sociale et solidaire",
    statuses = param "ess_statuses",
    approval = param "ess_approval",
}

balance {
    id = "equilibre",
    title = "Le plan de financement est équilibré (dépenses = ressources)",
}
