/*
 * A `cdk.out/` cloud assembly: the stack templates listed in manifest.json (or, without a
 * manifest, every *.template.json), searched for the requested state machine.
 * https://docs.aws.amazon.com/cdk/v2/guide/apps.html (cloud assembly)
 */
#include "asl/internal.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

struct names {
	char **items;
	size_t len, cap;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Template file names (owned) from the manifest, else by scanning the folder. */
static void template_files(const char *dir, struct names *out)
{
	char *path = xasprintf("%s/manifest.json", dir);
	json_t *manifest = json_load_file(path, 0, NULL);
	free(path);
	json_t *artifacts = json_object_get(manifest, "artifacts");
	const char *name;
	json_t *a;
	json_object_foreach(artifacts, name, a)
	{
		const char *type = json_string_value(json_object_get(a, "type"));
		const char *file = json_string_value(
		    json_object_get(json_object_get(a, "properties"), "templateFile"));
		if (type && file && strcmp(type, "aws:cloudformation:stack") == 0)
			VEC_PUSH(*out, xstrdup(file));
	}
	json_decref(manifest);
	if (out->len)
		return;
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (str_ends_with(e->d_name, ".template.json"))
			VEC_PUSH(*out, xstrdup(e->d_name));
	if (d)
		closedir(d);
	qsort(out->items, out->len, sizeof(*out->items), cmp_str);
}

char *asl_cdk_out_template(const char *dir, const char *machine_id, struct diags *diags)
{
	struct names files = {0};
	template_files(dir, &files);
	char *found = NULL;
	size_t machines = 0;
	struct strbuf all;
	sb_init(&all);
	for (size_t i = 0; i < files.len; i++) {
		char *path = xasprintf("%s/%s", dir, files.items[i]);
		json_t *root = json_load_file(path, 0, NULL);
		const char **ids;
		size_t n;
		asl_template_machines(root, &ids, &n);
		for (size_t k = 0; k < n; k++) {
			sb_addf(&all, "%s%s", machines++ ? ", " : "", ids[k]);
			if ((!machine_id || strcmp(ids[k], machine_id) == 0) && !found)
				found = xstrdup(path);
		}
		free(ids);
		json_decref(root);
		free(path);
	}
	for (size_t i = 0; i < files.len; i++)
		free(files.items[i]);
	VEC_FREE(files);
	if (!machines)
		diags_add(diags, DIAG_ERROR, "no-machine", dir, 0, 0, NULL,
			  "no stack template in this cdk.out folder has a state machine");
	else if (!found)
		diags_add(diags, DIAG_ERROR, "unknown-machine", dir, 0, 0, NULL,
			  "--machine %s: no such state machine; the templates have: %s", machine_id,
			  sb_str(&all));
	else if (!machine_id && machines > 1) {
		diags_add(diags, DIAG_ERROR, "several-machines", dir, 0, 0, NULL,
			  "the cdk.out folder has %zu state machines (%s); choose one with "
			  "--machine LOGICAL_ID",
			  machines, sb_str(&all));
		free(found);
		found = NULL;
	}
	sb_fini(&all);
	return found;
}
