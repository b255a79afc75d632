/*
 * award: identifier checks (SIRET, RNA) and the beneficiaries' shares of an award (award.h).
 * Reading an award document is engine/doc's job, like every other kind.
 */
#include "award.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* La Poste's SIREN: its establishments outgrew the Luhn key, INSEE checks them by digit sum. */
#define LA_POSTE_SIREN "356000000"

bool elg_siret_valid(const char *text) {
    if (!text || strlen(text) != 14 || strspn(text, "0123456789") != 14)
        return false;
    int luhn = 0, digits = 0;
    for (int i = 0; i < 14; i++) {
        int d = text[13 - i] - '0';
        digits += d;
        if (i % 2 == 1) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        luhn += d;
    }
    if (strncmp(text, LA_POSTE_SIREN, 9) == 0)
        return luhn % 10 == 0 || digits % 5 == 0;
    return luhn % 10 == 0;
}

bool elg_rna_valid(const char *text) {
    return text && strlen(text) == 10 && text[0] == 'W' && strspn(text + 1, "0123456789") == 9;
}

int elg_award_shares(const elg_award *award, int64_t *units, elg_error *err) {
    size_t n = award ? award->beneficiaries_count : 0;
    int64_t *weights = NULL;
    int rc;
    if (n == 0 || !units)
        return elg_error_set(err, ELG_EUSAGE, "elg_award_shares: no beneficiary");
    bool all = true;
    for (size_t i = 0; i < n; i++)
        all = all && award->beneficiaries[i].has_amount && award->beneficiaries[i].amount > 0;
    if (all) {
        weights = calloc(n, sizeof *weights);
        if (!weights)
            return elg_error_set(err, ELG_ENOMEM, "out of memory");
        for (size_t i = 0; i < n; i++)
            weights[i] = award->beneficiaries[i].amount;
    }
    /* The share units are split like cents: the same largest remainder method. */
    rc = elg_money_split(ELG_AWARD_SHARE_UNITS, weights, n, units, err);
    free(weights);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        if (units[i] >= ELG_AWARD_SHARE_MIN)
            continue;
        char field[64];
        snprintf(field, sizeof field, "beneficiaries[%zu]", i);
        rc = elg_error_set(err, ELG_EINPUT,
                           "share of %s rounds to %lld/10000, below SCDL's minimum of 0.01",
                           award->beneficiaries[i].name, (long long)units[i]);
        elg_error_at(err, NULL, 0, 0, field);
        return rc;
    }
    return 0;
}
