-- The reference call of ../shared/BENCH.md (R1 to R8), written with the
-- rule library as a funder's staff would write it.

applicants {
    id = "R1-statut",
    title = "Le porteur est une association, une SCIC ou une SCOP",
    statuses = param "statuses",
}

territory {
    id = "R2-commune",
    title = "Le porteur est situé dans l'une des 13 communes de la Couronne Sud",
    communes = param "communes",
    project = false,
    applicant = true,
}

window {
    id = "R3-periode",
    title = "Le projet se déroule entre le 1er janvier 2025 et le 31 décembre 2026",
    period_start = param "period_start",
    period_end = param "period_end",
}

balance {
    id = "R4-equilibre",
    title = "Le plan de financement est équilibré",
}

ceiling {
    id = "R5-materiel",
    title = "Dépenses de matériel dans la limite de 80 820 €",
    category = "equipment",
    max = param "max_equipment",
}

earmark {
    id = "R6-flechage",
    title = "Les ressources fléchées sur le personnel ne dépassent pas les dépenses de personnel",
    category = "staff",
}

rate_ceiling {
    id = "R7-part-mel",
    title = "La MEL finance au plus 30 % des dépenses",
    financer = "MEL",
    max = param "max_rate_mel",
}

rate_ceiling {
    id = "R8-aides-publiques",
    title = "Les aides publiques représentent au plus 80 % des dépenses",
    public = true,
    max = param "max_public",
}
