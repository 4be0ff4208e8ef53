/* Fuzz target: the state graph of a loaded definition (src/graph) as `stepscope graph` draws
 * it: layout and the text, dot and Mermaid renderers. The first byte picks the file name the
 * loader sees (as in fz_asl) and, with bit 2, ASCII instead of box-drawing characters. */
#include <stdlib.h>

#include "asl/asl.h"
#include "fuzz.h"
#include "graph/graph.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"fuzz.asl.json", "fuzz.asl.yaml", "template.json",
					    "fuzz"};
	const char *name = size ? names[data[0] % 4] : names[0];
	bool ascii = size && (data[0] & 4);
	struct diags d;
	diags_init(&d);
	struct asl_load_options opt = {0};
	struct asl_machine *m =
	    asl_load_text(name, (const char *)data + (size ? 1 : 0), size ? size - 1 : 0, &opt, &d);
	if (m && !d.errors) {
		struct graph *g = graph_from_asl(m);
		free(graph_render_text(g, ascii));
		free(graph_render_dot(g));
		free(graph_render_mermaid(g));
		graph_free(g);
	}
	asl_machine_free(m);
	diags_fini(&d);
	return 0;
}
