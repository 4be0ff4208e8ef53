/*
 * ItemReader arn:aws:states:::s3:listObjectsV2 with a local folder standing in for the bucket:
 * every regular file under <Bucket>/ is an object whose key is its path below the folder,
 * listed in key order (S3 lists keys in UTF-8 binary order), filtered by Prefix and cut at
 * MaxItems before any file is read. Each item
 * has the shape Step Functions gives a listed object: {"Etag": "\"<md5>\"", "Key", "LastModified"
 * (epoch seconds, here the file's mtime), "Size", "StorageClass": "STANDARD"} (aws-facts b.2,
 * observed; https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html).
 */
#include "internal.h"

#include <dirent.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef VEC(char *) key_vec;

/* Whether a key starting with `at` can still start with prefix: one begins the other. */
static bool may_match(const char *at, const char *prefix, size_t plen)
{
	size_t n = strlen(at);
	return !strncmp(at, prefix, n < plen ? n : plen);
}

/* Collects the keys under Prefix of the regular files under dir (whose key prefix is `at`, ""
 * or "a/b/"), descending only into folders whose keys can still match it.
 * lstat, not stat: a symbolic link is skipped (S3 has none), so a link back to a parent folder
 * cannot make the walk loop or grow exponentially; so is anything that is neither a regular
 * file nor a folder (a FIFO would block the read). */
static void walk(const char *dir, const char *at, const char *prefix, size_t plen, key_vec *keys)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	for (struct dirent *ent; (ent = readdir(d));) {
		if (!strcmp(ent->d_name, ".") || !strcmp(ent->d_name, ".."))
			continue;
		char *path = xasprintf("%s/%s", dir, ent->d_name);
		char *key = xasprintf("%s%s", at, ent->d_name);
		struct stat sb;
		bool ok = lstat(path, &sb) == 0;
		if (ok && S_ISDIR(sb.st_mode)) {
			char *sub = xasprintf("%s/", key);
			if (may_match(sub, prefix, plen))
				walk(path, sub, prefix, plen, keys);
			free(sub);
			free(key);
		} else if (ok && S_ISREG(sb.st_mode) && !strncmp(key, prefix, plen)) {
			VEC_PUSH(*keys, key);
		} else {
			free(key);
		}
		free(path);
	}
	closedir(d);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The listed object's item; NULL with *why when the file cannot be read. */
static json_t *object_item(const char *bucket, const char *key, char **why)
{
	char *path = xasprintf("%s/%s", bucket, key);
	size_t len;
	char *err = NULL;
	char *data = file_read_all(path, &len, &err);
	struct stat sb;
	if (!data || stat(path, &sb) != 0) {
		*why = xasprintf("cannot read %s: %s", path, err ? err : "stat failed");
		free(err);
		free(data);
		free(path);
		return NULL;
	}
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL);
	char etag[2 * EVP_MAX_MD_SIZE + 3], *p = etag;
	*p++ = '"';
	for (unsigned int i = 0; i < mdlen; i++, p += 2)
		snprintf(p, 3, "%02x", md[i]);
	*p++ = '"';
	*p = '\0';
	free(data);
	free(path);
	/* AWS's key order (alphabetical) */
	return json_pack("{s:s, s:s, s:I, s:I, s:s}", "Etag", etag, "Key", key, "LastModified",
			 (json_int_t)sb.st_mtime, "Size", (json_int_t)len, "StorageClass",
			 "STANDARD");
}

json_t *sim_dmap_list_objects(const char *bucket, const char *prefix, int64_t max, char **why)
{
	struct stat sb;
	if (stat(bucket, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
		*why = xasprintf("The specified bucket does not exist: %s", bucket);
		return NULL;
	}
	if (!prefix)
		prefix = "";
	key_vec keys = {0};
	walk(bucket, "", prefix, strlen(prefix), &keys);
	/* Keys come in byte order, so MaxItems keeps the first ones: only those are read. */
	if (keys.len) /* qsort's array may not be NULL, even empty */
		qsort(keys.items, keys.len, sizeof(*keys.items), key_cmp);
	size_t n = max > 0 && (uint64_t)max < keys.len ? (size_t)max : keys.len;
	json_t *items = json_array();
	for (size_t i = 0; i < keys.len; i++) {
		if (items && i < n) {
			json_t *it = object_item(bucket, keys.items[i], why);
			if (it) {
				json_array_append_new(items, it);
			} else {
				json_decref(items);
				items = NULL;
			}
		}
		free(keys.items[i]);
	}
	VEC_FREE(keys);
	return items;
}
