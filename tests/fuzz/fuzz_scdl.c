/*
 * Fuzz target: any bytes given to the funders' format readers (SCDL, tolerant and strict, and
 * the CERFA budget) end in rows read or a located error, never a crash, a leak or undefined
 * behaviour; every rejected row says why.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "cerfa.h"
#include "scdl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int row(void *ctx, const elg_scdl_row *r) {
    (void)ctx;
    if (r->line < 1)
        __builtin_trap();
    return 0;
}

static int reject(void *ctx, const elg_error *why) {
    (void)ctx;
    if (why->code == 0 || why->message[0] == '\0')
        __builtin_trap();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int strict = 0; strict < 2; strict++) {
        elg_error err = {0};
        if (elg_scdl_read("fuzz.csv", (const char *)data, size, strict, row, reject, NULL, NULL,
                          &err) != 0 &&
            err.message[0] == '\0')
            __builtin_trap();
    }
    elg_error err = {0};
    char *yaml = NULL;
    static const elg_cerfa_options opt = {
        .applicant = "A", .start = "2020-01-01", .end = "2020-12-31"};
    if (elg_cerfa_to_project("fuzz.csv", (const char *)data, size, &opt, &yaml, NULL, NULL, &err) !=
            0 &&
        err.message[0] == '\0')
        __builtin_trap();
    free(yaml);
    return 0;
}
