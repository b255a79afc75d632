/*
 * doc_verdict: the C reader's verdict on documents, for tests/cli/test_schemas.sh, which
 * compares it with the JSON Schemas'. One line per file argument, read by elg_doc_load_file
 * alone (no store: references to other documents are the import's business, not the
 * document's):
 *   ok<TAB>FILE
 *   refused<TAB>FILE<TAB>line:column: field: message
 * Exit 0 once every file is read, whatever the verdicts.
 */
#include <stdio.h>

#include "doc.h"

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        elg_error err;
        elg_doc *doc = NULL;
        elg_error_clear(&err);
        if (elg_doc_load_file(argv[i], &doc, &err) == ELG_OK) {
            printf("ok\t%s\n", argv[i]);
            elg_doc_free(doc);
        } else {
            printf("refused\t%s\t%d:%d: %s: %s\n", argv[i], err.line, err.column, err.field,
                   err.message);
        }
    }
    return 0;
}
