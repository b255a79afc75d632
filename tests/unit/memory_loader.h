/*
 * memory_loader: the rule source loader of the rule unit tests. The call's
 * rule file "calls/t.lua" comes from memory (call_source, set by each test
 * before elg_rules_open); everything else, the rule library, from rules/ in
 * the source tree. Included by one test program each: static on purpose.
 */
#ifndef ELG_TEST_MEMORY_LOADER_H
#define ELG_TEST_MEMORY_LOADER_H

#include <stdlib.h>
#include <string.h>

#include "rules.h"

static const char *call_source; /* content of calls/t.lua for the next open */

static int loader(void *ctx, const char *path, char **data, size_t *len, elg_error *err) {
    (void)ctx;
    if (strcmp(path, "calls/t.lua") == 0) {
        *data = strdup(call_source);
        *len = strlen(call_source);
        return *data ? 0 : ELG_ENOMEM;
    }
    return elg_rules_read_file(ELIGO_SOURCE_DIR "/rules", path, data, len, err);
}

#endif
