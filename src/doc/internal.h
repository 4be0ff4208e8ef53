/* doc/ private: the document record and the source-map builders used by the parsers. */
#ifndef STEPSCOPE_DOC_INTERNAL_H
#define STEPSCOPE_DOC_INTERNAL_H

#include "doc/doc.h"

struct doc_loc {
	char *pointer; /* owned */
	int line, col;
	int key_line, key_col; /* 0 when not an object member */
};

struct doc {
	char *name;
	char *text;
	size_t len;
	json_t *root;
	bool yaml;
	VEC(struct doc_loc) locs; /* sorted by pointer after parsing */
};

/* Records a position (pointer copied). */
void doc_add_loc(struct doc *d, const char *pointer, int line, int col, int key_line, int key_col);
/* Fill d->root and d->locs from d->text; false with a located diag in diags. */
bool doc_parse_json(struct doc *d, struct diags *diags);
bool doc_parse_yaml(struct doc *d, struct diags *diags);

#endif
