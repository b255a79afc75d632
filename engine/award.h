/*
 * award: grant award documents, what a funder records once it has voted a grant and what
 * the SCDL « Subventions » open data needs that a decision does not know (docs/formats.md).
 *
 * An award follows a project's application to a call (and, optionally, one stored decision on
 * it): the funder's name and SIRET, the amounts requested, proposed and voted, the date and
 * reference of the deliberation or convention, payment conditions and period, cash or in kind,
 * EU notification, and the beneficiaries with their SIRET or RNA. It is a document like the
 * others (kind: award, read by engine/doc.h with the same file:line:column: field: message
 * errors, its versions kept by the store); this header holds its typed content and the checks
 * of identifiers that both the document reader and the SCDL export apply.
 *
 * Shares of a grant between its beneficiaries are computed in ten-thousandths of the grant
 * (ELG_AWARD_SHARE_UNITS), by the largest remainder method on the beneficiaries' amounts (or
 * equally when none is given), so that they always sum to exactly 1.
 */
#ifndef ELG_AWARD_H
#define ELG_AWARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "money.h"

/* Nature of the aid, as flags: SCDL's nature is one of them or both. */
enum {
    ELG_AWARD_CASH = 1 << 0,    /* aide en numéraire */
    ELG_AWARD_IN_KIND = 1 << 1, /* aide en nature */
};

typedef struct elg_award_beneficiary {
    char *name;
    char *siret; /* 14 digits, check digit verified; may be NULL when rna is set */
    char *rna;   /* W and 9 digits; may be NULL when siret is set */
    bool has_amount;
    elg_cents amount; /* this beneficiary's part of the voted amount */
} elg_award_beneficiary;

typedef struct elg_award {
    char *id;
    char *project;      /* project id */
    char *call;         /* call id */
    long long decision; /* stored decision id it follows, 0 when none */
    char *funder_name;
    char *funder_siret;
    char *object; /* objet: at most 256 characters */
    bool has_requested, has_proposed;
    elg_cents requested, proposed, voted; /* voted > 0 */
    char *convention_date;                /* YYYY-MM-DD */
    char *convention_reference;           /* may be NULL */
    unsigned nature;                      /* ELG_AWARD_CASH | ELG_AWARD_IN_KIND, at least one */
    char *payment_conditions;             /* at most 256 characters */
    char *payment_from;                   /* YYYY-MM-DD */
    char *payment_to;                     /* YYYY-MM-DD or NULL */
    bool eu_notification;
    char *scheme; /* dispositifAide, may be NULL */
    char *rae;    /* idRAE, at most 5 characters, may be NULL */
    elg_award_beneficiary *beneficiaries;
    size_t beneficiaries_count;
} elg_award;

/* A grant of another funder, read from a published SCDL file: one beneficiary's part. What the
 * store keeps and rules read, per beneficiary SIREN, as aid already received. */
typedef struct elg_aid_received {
    const char *siren; /* 9 digits, NULL when the row gave only an RNA number */
    const char *siret; /* 14 digits, or NULL */
    const char *rna;   /* W and 9 digits, or NULL */
    const char *beneficiary;
    const char *funder_name;
    const char *funder_siret; /* may be NULL */
    const char *date;         /* YYYY-MM-DD: the convention's date */
    elg_cents amount;         /* the beneficiary's part: montant x pourcentageSubvention */
    const char *object;
    const char *source;    /* file:line it was read from */
    const char *reference; /* referenceDecision, or NULL: what a resource line's
                            * grant_reference names (elg_published_line) */
} elg_aid_received;

/* A grant's whole, in share units: pourcentageSubvention is units / 10 000. */
#define ELG_AWARD_SHARE_UNITS 10000
/* SCDL's smallest share, 0.01. */
#define ELG_AWARD_SHARE_MIN 100
/* Longest objet and conditionsVersement, in characters (SCDL). */
#define ELG_AWARD_MAX_SCDL_TEXT 256

/* Whether text is a SIRET: 14 digits whose Luhn sum is a multiple of 10 (for La Poste, SIREN
 * 356000000, whose establishments are numbered past what Luhn allows, the digits' sum is a
 * multiple of 5 instead, as INSEE checks it). */
bool elg_siret_valid(const char *text);

/* Whether text is an RNA number: W and 9 digits. */
bool elg_rna_valid(const char *text);

/*
 * Each beneficiary's share of the award in ELG_AWARD_SHARE_UNITS: proportional to their amounts
 * when every beneficiary has one, equal otherwise, split by the largest remainder method
 * (elg_money_split: floors, then the leftover units one each to the largest remainders, ties to
 * the earliest), so that the shares sum to exactly ELG_AWARD_SHARE_UNITS. units has
 * beneficiaries_count entries. ELG_EINPUT when a share is below ELG_AWARD_SHARE_MIN (SCDL
 * cannot publish it), naming the beneficiary.
 */
int elg_award_shares(const elg_award *award, int64_t *units, elg_error *err);

#endif
