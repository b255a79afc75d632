/*
 * gen: synthetic projects (see gen.h), following ../shared/BENCH.md.
 */
#include "gen.h"

#include <stdio.h>
#include <string.h>

static const char *const COURONNE_SUD[] = {
    "Emmerin",    "Faches-Thumesnil",    "Fretin",  "Houplin-Ancoisne", "Lesquin",    "Lezennes",
    "Loos",       "Noyelles-lès-Seclin", "Ronchin", "Seclin",           "Templemars", "Vendeville",
    "Wattignies",
};
static const char *const OTHER_MEL[] = {
    "Lille",      "Roubaix", "Tourcoing", "Villeneuve-d'Ascq", "Marcq-en-Barœul",
    "Lambersart", "Hem",     "Croix",     "Wasquehal",         "Armentières",
};
static const char *const ELIGIBLE_STATUS[] = {"association", "scic", "scop"};
static const char *const OTHER_STATUS[] = {"commune", "company"};
static const char *const PUBLIC[] = {"FEDER", "ETAT", "CD59", "CAF", "MEL", "VILLE-LILLE"};

typedef struct rng {
    uint64_t s;
} rng;

static uint64_t next(rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static int64_t below(rng *r, int64_t n) {
    return n > 0 ? (int64_t)(next(r) % (uint64_t)n) : 0;
}

/* Percent chance. */
static int chance(rng *r, int pct) {
    return below(r, 100) < pct;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void date_of(int day, char out[11]) {
    /* day 0 = 2024-01-01; months of 2024 (leap), 2025, 2026, 2027 */
    static const int len[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30,
                              31, 30, 31, 31, 30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31,
                              30, 31, 30, 31, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int m = 0;
    while (m < 47 && day >= len[m])
        day -= len[m++];
    /* m < 48 and day < 31: the text always fits. */
    unsigned y = 2024u + (unsigned)m / 12u % 10u, mo = (unsigned)m % 12u + 1u,
             d = (unsigned)day % 31u + 1u;
    snprintf(out, 11, "%04u-%02u-%02u", y, mo, d);
}

#define D2025 366                   /* 2025-01-01 */
#define D2026_END (366 + 365 + 364) /* 2026-12-31 */

void gen_project_make(uint64_t seed, long i, gen_project *p) {
    rng r = {seed * 0x100000001B3ULL ^ (uint64_t)i};
    memset(p, 0, sizeof *p);
    snprintf(p->id, sizeof p->id, "bench-%07ld", i);
    p->status = chance(&r, 75) ? ELIGIBLE_STATUS[below(&r, 3)] : OTHER_STATUS[below(&r, 2)];
    p->commune = chance(&r, 70) ? COURONNE_SUD[below(&r, N(COURONNE_SUD))]
                                : OTHER_MEL[below(&r, N(OTHER_MEL))];
    /* Dates: mostly inside 2025-01-01 .. 2026-12-31, some outside, a few on the bounds. */
    int start = D2025 + (int)below(&r, 540), end = start + 30 + (int)below(&r, 500);
    if (end > D2026_END)
        end = D2026_END - (int)below(&r, 30);
    int k = (int)below(&r, 100);
    if (k < 6) /* starts before the window */
        start = D2025 - 1 - (int)below(&r, 200);
    else if (k < 12) /* ends after it */
        end = D2026_END + 1 + (int)below(&r, 200);
    else if (k < 16) /* exactly on its bounds */
        start = D2025, end = D2026_END;
    date_of(start, p->start);
    date_of(end, p->end);

    int64_t staff = below(&r, 40000001), services = below(&r, 20000001), equipment;
    int e = (int)below(&r, 100);
    if (e < 12)
        equipment = 8082001 + below(&r, 7000000);
    else if (e < 15)
        equipment = 8082000;
    else
        equipment = below(&r, 8000001);
    int64_t indirect = staff / 100 * below(&r, 21);
    p->expenses[0] = (gen_line){"staff", staff, 0};
    p->expenses[1] = (gen_line){"services", services, 0};
    p->expenses[2] = (gen_line){"equipment", equipment, 0};
    p->expenses[3] = (gen_line){"indirect", indirect, 0};
    p->expenses_count = 4;
    int64_t total = staff + services + equipment + indirect;

    /* Resources: self-financing 20-50 %, the rest shared by the public financers present. */
    int64_t self = total / 100 * (20 + below(&r, 31));
    int64_t rest = total - self;
    const char *present[N(PUBLIC)];
    size_t np = 0;
    for (size_t f = 0; f < N(PUBLIC); f++)
        if (chance(&r, 50))
            present[np++] = PUBLIC[f];
    int64_t parts[N(PUBLIC)] = {0}, weights[N(PUBLIC)], wsum = 0;
    for (size_t f = 0; f < np; f++)
        wsum += weights[f] = 1 + below(&r, 100);
    int64_t given = 0;
    for (size_t f = 0; f < np; f++) {
        parts[f] = f + 1 == np ? rest - given : rest / wsum * weights[f];
        given += parts[f];
    }
    /* The MEL is kept under 30 % of expenses in most projects. */
    for (size_t f = 0; f < np; f++) {
        if (strcmp(present[f], "MEL") == 0 && parts[f] * 100 > total * 29 && chance(&r, 90)) {
            int64_t cut = parts[f] - total / 100 * 25;
            parts[f] -= cut;
            self += cut;
        }
    }
    if (np == 0)
        self = total;
    /* Balanced in about 70 % of projects; else off by cents or up to 10 %. */
    int b = (int)below(&r, 100);
    if (b >= 70 && b < 85)
        self += 1 + below(&r, 99);
    else if (b >= 85)
        self += below(&r, total / 10 + 1) + 1;
    size_t n = 0;
    p->resources[n++] = (gen_line){"SELF", self, 0};
    for (size_t f = 0; f < np; f++) {
        if (chance(&r, 30) && parts[f] > 1) {
            int64_t earmarked = parts[f] / 100 * (20 + below(&r, 61));
            p->resources[n++] = (gen_line){present[f], earmarked, 1};
            p->resources[n++] = (gen_line){present[f], parts[f] - earmarked, 0};
        } else {
            p->resources[n++] = (gen_line){present[f], parts[f], 0};
        }
    }
    p->resources_count = n;
}

size_t gen_project_yaml(const gen_project *p, const char *call_id, char *buf, size_t size) {
    int64_t mel = 0;
    for (size_t k = 0; k < p->resources_count; k++)
        if (strcmp(p->resources[k].who, "MEL") == 0)
            mel += p->resources[k].amount;
    size_t n =
        (size_t)snprintf(buf, size,
                         "kind: project\n"
                         "id: %s\n"
                         "title: \"Projet synthétique %s\"\n"
                         "applicants:\n"
                         "  - { name: \"Porteur %s\", status: %s, commune: \"%s\" }\n"
                         "territory: [\"%s\"]\n"
                         "period: { start: %s, end: %s }\n"
                         "expenses:\n",
                         p->id, p->id, p->id, p->status, p->commune, p->commune, p->start, p->end);
    for (size_t k = 0; k < p->expenses_count && n < size; k++)
        n += (size_t)snprintf(
            buf + n, size - n,
            "  - { category: %s, label: \"Dépenses %s\", amount: \"%lld.%02lld\" }\n",
            p->expenses[k].who, p->expenses[k].who, (long long)(p->expenses[k].amount / 100),
            (long long)(p->expenses[k].amount % 100));
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, "resources:\n");
    for (size_t k = 0; k < p->resources_count && n < size; k++)
        n +=
            (size_t)snprintf(buf + n, size - n, "  - { financer: %s, amount: \"%lld.%02lld\"%s }\n",
                             p->resources[k].who, (long long)(p->resources[k].amount / 100),
                             (long long)(p->resources[k].amount % 100),
                             p->resources[k].staff_earmark ? ", earmark: staff" : "");
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n,
                              "applies_to:\n  - { call: %s, requested: \"%lld.%02lld\" }\n",
                              call_id, (long long)(mel / 100), (long long)(mel % 100));
    return n;
}

/* The generator's texts are plain ASCII or UTF-8 without quotes, backslashes
 * or control characters (the tables above), so they go into JSON as they are. */
size_t gen_project_json(const gen_project *p, char *buf, size_t size) {
    size_t n =
        (size_t)snprintf(buf, size,
                         "{\"id\":\"%s\",\"status\":\"%s\",\"commune\":\"%s\",\"start\":\"%s\","
                         "\"end\":\"%s\",\"expenses\":[",
                         p->id, p->status, p->commune, p->start, p->end);
    for (size_t k = 0; k < p->expenses_count && n < size; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s{\"category\":\"%s\",\"amount\":%lld}",
                              k ? "," : "", p->expenses[k].who, (long long)p->expenses[k].amount);
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, "],\"resources\":[");
    for (size_t k = 0; k < p->resources_count && n < size; k++)
        n += (size_t)snprintf(buf + n, size - n, "%s{\"financer\":\"%s\",\"amount\":%lld%s}",
                              k ? "," : "", p->resources[k].who, (long long)p->resources[k].amount,
                              p->resources[k].staff_earmark ? ",\"earmark\":\"staff\"" : "");
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, "]}\n");
    return n < size ? n : size - 1;
}
