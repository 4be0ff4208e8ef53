/*
 * items — item files → a JSON array of items, and DynamoDB attribute-value marshalling.
 *
 * Owns: reading the item file a scenario iterates over, in four formats — a JSON array;
 * DynamoDB JSON as the AWS CLI prints it (`scan`/`query` output `{"Items": [...]}`,
 * `get-item` output `{"Item": {...}}`, a JSON array of typed items, or a DynamoDB S3 export's
 * JSON Lines `{"Item": {...}}` per line), unmarshalled to plain JSON; JSON Lines (one value per
 * line); CSV with a header row (RFC 4180 quoting; every value a string, as Step Functions'
 * CSV item reader does). Also boto3's TypeSerializer/TypeDeserializer conversions and the one
 * table item the seed's loader script writes.
 *
 * Contract: every error is a located diag (file:line:col); a file either loads completely
 * or not at all. Returned JSON values are new references owned by the caller.
 */
#ifndef STEPSCOPE_ITEMS_H
#define STEPSCOPE_ITEMS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"
#include "config/config.h"

enum items_format {
	ITEMS_AUTO,	/* by extension (.json, .jsonl/.ndjson, .csv), then by content */
	ITEMS_JSON,	/* a JSON array, or DynamoDB JSON (detected and unmarshalled) */
	ITEMS_JSONL,	/* one JSON value per line (blank lines skipped) */
	ITEMS_CSV,	/* header row, then records; values are strings */
	ITEMS_DYNAMODB, /* reported only: the file was DynamoDB JSON */
};

/* "JSON", "JSON Lines", "CSV", "DynamoDB JSON", "auto". */
const char *items_format_name(enum items_format f);

/*
 * Reads `path` (borrowed) as `format` (ITEMS_AUTO to detect). On success returns a JSON
 * array (owned by the caller) and, if `detected` is not NULL, the format found. On failure
 * returns NULL with errors added to d.
 */
json_t *items_load(const char *path, enum items_format format, enum items_format *detected,
		   struct diags *d);
/* The same from text in memory; `name` (borrowed) is used for detection and messages. */
json_t *items_load_text(const char *name, const char *text, size_t len, enum items_format format,
			enum items_format *detected, struct diags *d);

/*
 * A Distributed Map's CSV ItemReader (Step Functions' parsing rules): fields separated by
 * `delim` (the CSVDelimiter's character), RFC 4180 quoting, every value a string, a row with
 * fewer fields than the header padded with "" and one with more cut to the header's.
 * `headers` (borrowed) is the GIVEN CSVHeaders array, or NULL for the file's first row.
 * Duplicate header names are an error ("cannot contain duplicates"). A new array, or NULL
 * after diags. https://docs.aws.amazon.com/step-functions/latest/dg/example-csv-parse-dist-map.html
 */
json_t *items_load_csv_reader(const char *name, const char *text, size_t len, char delim,
			      const json_t *headers, struct diags *d);

/*
 * boto3 TypeSerializer: string → {"S"}, number → {"N": text}, true/false → {"BOOL"},
 * null → {"NULL": true}, array → {"L"}, object → {"M"}. boto3 itself refuses Python floats
 * (it wants Decimal); here a number's text is its shortest round-trip decimal form without
 * exponent or trailing zeros, which is how DynamoDB stores and returns numbers ("1.50" and
 * 1.5 → "1.5", 2.0 → "2"). `value` is borrowed.
 */
json_t *items_marshal(const json_t *value);
/*
 * The reverse (TypeDeserializer), also for SS, NS, BS (→ arrays) and B (→ its base64 text,
 * JSON having no bytes). N becomes an integer when it is only digits (at most 18), else a
 * real (so very long numbers lose precision, as in any JSON reader using doubles). Returns NULL
 * after adding a diag (pointer = JSON pointer of the bad value, relative to `where`) when `av` is
 * not a valid attribute value.
 */
json_t *items_unmarshal(const json_t *av, const char *where, struct diags *d);
/* A whole typed item {"attr": AV, ...} → a plain object; NULL after a diag. */
json_t *items_unmarshal_item(const json_t *item, const char *where, struct diags *d);
/* True when `item` is an object whose every value is a well-formed attribute value. */
bool items_is_typed_item(const json_t *item);

/*
 * The one item the seed's loader script puts in the table (seed.md "Loading items"):
 * {partitionKeyName: {"S": partitionKeyValueField}, "values": {"L": [marshalled items]}}.
 * Both arguments borrowed.
 */
json_t *items_seed_table_item(const struct cfg_scenario *config, const json_t *items);

#endif
