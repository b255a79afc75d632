/*
 * Fuzz target: the money and rate parsers accept or reject any text
 * without crashing, and every accepted amount formats and parses back to
 * itself (format then parse is the identity).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "money.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    elg_cents cents, again;
    elg_error err = {0};
    if (elg_money_parse(text, 1, &cents, &err) == 0) {
        char buf[ELG_MONEY_FMT_MAX];
        elg_error err2 = {0};
        if (elg_money_parse(elg_money_format(cents, buf, sizeof buf), 1, &again, &err2) != 0 ||
            again != cents)
            __builtin_trap();
    }
    elg_rate rate;
    elg_error err3 = {0};
    if (elg_rate_parse(text, &rate, &err3) == 0 && rate.den <= 0)
        __builtin_trap();
    free(text);
    return 0;
}
