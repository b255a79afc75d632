/*
 * Fuzz target: any bytes given to the document reader end in a document or
 * a located error, never a crash, a leak or undefined behaviour. A parsed
 * document is also handed to the edition and parameter lookups.
 */
#include <stddef.h>
#include <stdint.h>

#include "doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    elg_doc *doc = NULL;
    elg_error err = {0};
    if (elg_doc_parse("fuzz.yaml", (const char *)data, size, &doc, &err) == 0) {
        const elg_call *call = elg_doc_call(doc);
        if (call) {
            const elg_edition *ed = elg_call_edition_at(call, "2013-06-01");
            for (size_t i = 0; i < call->params_count; i++)
                (void)elg_call_param(call, ed, call->params[i].name);
        }
        elg_doc_free(doc);
    } else if (err.code == 0 || err.message[0] == '\0') {
        __builtin_trap(); /* a failure must say what is wrong */
    }
    return 0;
}
