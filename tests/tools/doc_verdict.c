/*
 * doc_verdict: the C reader's verdict on documents, for tests/cli/test_schemas.sh, which
 * compares it with the JSON Schemas'. One line per file argument, read by elg_doc_load_file
 * alone (no store: references to other documents are the import's business, not the
 * document's):
 *   ok<TAB>FILE
 *   refused<TAB>FILE<TAB>line:column: field: message
 * Exit 0 once every file is read, whatever the verdicts.
 * With --enums instead: the reader's enumerations, one "NAME<TAB>VALUE" a line (legal_status,
 * category, nature), for comparison with the schemas' lists.
 */
#include <stdio.h>
#include <string.h>

#include "doc.h"

static void print_enums(void) {
    for (size_t i = 0; elg_legal_status_name(i); i++)
        printf("legal_status\t%s\n", elg_legal_status_name(i));
    for (int i = 1; elg_category_name((elg_category)i); i++)
        printf("category\t%s\n", elg_category_name((elg_category)i));
    for (int i = 1; elg_nature_name((elg_nature)i); i++)
        printf("nature\t%s\n", elg_nature_name((elg_nature)i));
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--enums") == 0) {
        print_enums();
        return 0;
    }
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
