/* Unit tests of src/canvas: text, clipping, wide glyphs, junction merging, ASCII mode, dumps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "canvas/canvas.h"
#include "canvas/status.h"

static void assert_text(const struct canvas *c, const char *want)
{
	char *got = canvas_dump_text(c);
	assert_string_equal(got, want);
	free(got);
}

static void assert_roles(const struct canvas *c, const char *want)
{
	char *got = canvas_dump_roles(c);
	assert_string_equal(got, want);
	free(got);
}

static void test_put_str_and_trim(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(8, 2, false);
	assert_int_equal(canvas_put_str(c, 1, 0, "ab", CANVAS_TITLE), 2);
	canvas_put_str(c, 6, 1, "xyz", CANVAS_LABEL); /* clipped at the right edge */
	assert_text(c, " ab\n      xy\n");
	assert_roles(c, ".tt\n......ll\n");
	canvas_clear(c);
	assert_text(c, "\n\n");
	canvas_free(c);
	canvas_free(NULL);
}

static void test_wide_glyphs(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(6, 1, false);
	assert_int_equal(canvas_str_width("日本"), 4);
	assert_int_equal(canvas_put_str(c, 0, 0, "日本x", CANVAS_DEFAULT), 5);
	assert_text(c, "日本x\n");
	assert_int_equal(canvas_cell(c, 1, 0)->glyph, 0); /* right half */
	/* Overwriting the right half of 本 blanks its left half. */
	canvas_put(c, 3, 0, 'Z', CANVAS_DEFAULT);
	assert_text(c, "日 Zx\n");
	/* A wide glyph that does not fit in the last column is not drawn. */
	assert_int_equal(canvas_put(c, 5, 0, 0x65E5, CANVAS_DEFAULT), 0);
	canvas_free(c);
}

static void test_utf8_malformed(void **state)
{
	(void)state;
	const char *s = "a\xC3(\xE2\x82\xAC";
	assert_int_equal(canvas_utf8_next(&s), 'a');
	assert_int_equal(canvas_utf8_next(&s), 0xFFFD);
	assert_int_equal(canvas_utf8_next(&s), '(');
	assert_int_equal(canvas_utf8_next(&s), 0x20AC);
	assert_int_equal(canvas_utf8_next(&s), 0);
	const char *overlong = "\xC0\xAF";
	assert_int_equal(canvas_utf8_next(&overlong), 0xFFFD);
	assert_int_equal(canvas_glyph_width(0x0301), 0);
}

static void test_str_fit(void **state)
{
	(void)state;
	char *s = canvas_str_fit("LambdaInvoke", 8, false);
	assert_string_equal(s, "LambdaI…");
	free(s);
	s = canvas_str_fit("LambdaInvoke", 8, true);
	assert_string_equal(s, "LambdaI~");
	free(s);
	s = canvas_str_fit("short", 8, false);
	assert_string_equal(s, "short");
	free(s);
	s = canvas_str_fit("日本語", 4, false); /* 日 (2) + … (1); 本 would overflow */
	assert_string_equal(s, "日…");
	free(s);
	struct canvas *c = canvas_new(10, 1, false);
	assert_int_equal(canvas_put_str_fit(c, 0, 0, 5, "abcdefgh", CANVAS_DEFAULT), 5);
	assert_text(c, "abcd…\n");
	canvas_free(c);
}

static void test_box_and_junctions(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(7, 5, false);
	canvas_box(c, (struct canvas_rect){0, 0, 7, 3}, CANVAS_LINE_LIGHT, CANVAS_BORDER);
	/* A line leaving the bottom border makes ┬; one crossing it below makes ┼. */
	canvas_vline(c, 3, 2, 4, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_hline(c, 1, 5, 3, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_hline(c, 3, 6, 4, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	assert_text(c, "┌─────┐\n"
		       "│     │\n"
		       "└──┬──┘\n"
		       " ──┼──\n"
		       "   └───\n");
	assert_roles(c, "bbbbbbb\nb.....b\nbbbebbb\n.eeeee\n...eeee\n");
	canvas_free(c);
}

static void test_tee_and_corner_merges(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(5, 3, false);
	canvas_vline(c, 0, 0, 2, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_hline(c, 0, 4, 1, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_vline(c, 4, 1, 2, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_vline(c, 2, 0, 1, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	assert_text(c, "│ │\n├─┴─┐\n│   │\n");
	/* Text over a line cell replaces it and forgets its stubs. */
	canvas_put(c, 2, 1, 'x', CANVAS_LABEL);
	assert_int_equal(canvas_cell(c, 2, 1)->lines, 0);
	canvas_hline(c, 1, 2, 1, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	assert_text(c, "│ │\n├───┐\n│   │\n");
	canvas_free(c);
}

static void test_styles(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(6, 3, false);
	canvas_hline(c, 0, 5, 0, CANVAS_LINE_DASHED, CANVAS_EDGE_CATCH);
	canvas_vline(c, 2, 0, 2, CANVAS_LINE_DASHED, CANVAS_EDGE_CATCH);
	canvas_box(c, (struct canvas_rect){3, 1, 3, 2}, CANVAS_LINE_DOUBLE, CANVAS_SELECTED);
	/* A dashed junction falls back to the light glyph. */
	assert_text(c, "┄┄┬┄┄┄\n  ┆╔═╗\n  ┆╚═╝\n");
	canvas_free(c);
	c = canvas_new(6, 3, false);
	canvas_box(c, (struct canvas_rect){0, 0, 6, 3}, CANVAS_LINE_HEAVY, CANVAS_BORDER);
	canvas_stub(c, 2, 2, CANVAS_DOWN, CANVAS_LINE_LIGHT, CANVAS_EDGE); /* heavy wins */
	assert_text(c, "┏━━━━┓\n┃    ┃\n┗━┳━━┛\n");
	canvas_free(c);
}

static void test_ascii_mode(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(7, 5, true);
	assert_true(canvas_ascii(c));
	canvas_box(c, (struct canvas_rect){0, 0, 7, 3}, CANVAS_LINE_LIGHT, CANVAS_BORDER);
	canvas_vline(c, 3, 2, 3, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	canvas_arrow(c, 3, 4, CANVAS_ARROW_DOWN, CANVAS_EDGE);
	canvas_hline(c, 4, 6, 3, CANVAS_LINE_DASHED, CANVAS_EDGE_CATCH);
	assert_text(c, "+-----+\n|     |\n+--+--+\n   |...\n   v\n");
	canvas_free(c);
}

static void test_clip(void **state)
{
	(void)state;
	struct canvas *c = canvas_new(6, 3, false);
	canvas_set_clip(c, (struct canvas_rect){1, 1, 3, 1});
	canvas_fill(c, (struct canvas_rect){0, 0, 6, 3}, '#', CANVAS_DIM);
	canvas_hline(c, 0, 5, 1, CANVAS_LINE_LIGHT, CANVAS_EDGE);
	struct canvas_rect r = canvas_get_clip(c);
	assert_int_equal(r.w, 3);
	canvas_reset_clip(c);
	canvas_put_str(c, -2, 0, "abcd", CANVAS_DEFAULT); /* negative x is clipped too */
	assert_text(c, "cd\n ───\n\n");
	assert_roles(c, "..\n.eee\n\n");
	assert_null(canvas_cell(c, 6, 0));
	canvas_resize(c, 2, 1);
	assert_int_equal(canvas_width(c), 2);
	assert_int_equal(canvas_height(c), 1);
	assert_text(c, "\n");
	canvas_free(c);
}

static void test_role_names(void **state)
{
	(void)state;
	assert_int_equal(canvas_role_letter(CANVAS_STATE_FAILED), 'F');
	assert_string_equal(canvas_role_name(CANVAS_EDGE_CATCH), "EDGE_CATCH");
	assert_int_equal(canvas_role_letter(CANVAS_ROLE_COUNT), '?');
	/* Every letter is distinct, so a role dump is unambiguous. */
	for (int i = 0; i < CANVAS_ROLE_COUNT; i++)
		for (int j = i + 1; j < CANVAS_ROLE_COUNT; j++)
			assert_int_not_equal(canvas_role_letter(i), canvas_role_letter(j));
}

/* Each outcome has its own glyph in both modes, so no status relies on colour alone. */
static void test_role_glyphs(void **state)
{
	(void)state;
	assert_int_equal(canvas_role_glyph(CANVAS_STATE_FAILED, false), 0x2717);
	assert_int_equal(canvas_role_glyph(CANVAS_STATE_FAILED, true), 'X');
	assert_int_equal(canvas_role_glyph(CANVAS_STATE_PENDING, false), 0);
	assert_int_equal(canvas_role_glyph(CANVAS_EDGE, true), 0);
	for (int ascii = 0; ascii < 2; ascii++)
		for (int i = CANVAS_STATE_RUNNING; i <= CANVAS_STATE_WAITING; i++) {
			uint32_t g = canvas_role_glyph((enum canvas_role)i, ascii);
			assert_true(ascii ? g > ' ' && g < 0x7F : g >= 0x2000);
			for (int j = i + 1; j <= CANVAS_STATE_WAITING; j++)
				assert_int_not_equal(g,
						     canvas_role_glyph((enum canvas_role)j, ascii));
		}
}

/* Every timeline status has its own state role, so the views never show two statuses alike. */
static void test_status_roles(void **state)
{
	(void)state;
	assert_int_equal(canvas_status_role(TL_PENDING), CANVAS_STATE_PENDING);
	assert_int_equal(canvas_status_role(TL_CAUGHT), CANVAS_STATE_CAUGHT);
	assert_int_equal(canvas_status_role(TL_TIMED_OUT), CANVAS_STATE_TIMED_OUT);
	assert_int_equal(canvas_status_role(TL_ABORTED), CANVAS_STATE_ABORTED);
	assert_int_equal(canvas_status_role(TL_ROW_STATUS_COUNT), CANVAS_DEFAULT);
	assert_int_equal(canvas_status_role((enum tl_status) - 1), CANVAS_DEFAULT);
	for (int i = 0; i < TL_ROW_STATUS_COUNT; i++) {
		const char *name = canvas_role_name(canvas_status_role((enum tl_status)i));
		assert_int_equal(strncmp(name, "STATE_", 6), 0);
		/* The role is named after the status: TIMED_OUT shows as STATE_TIMED_OUT. */
		assert_string_equal(name + 6, tl_status_name((enum tl_status)i));
		for (int j = i + 1; j < TL_ROW_STATUS_COUNT; j++)
			assert_int_not_equal(canvas_status_role((enum tl_status)i),
					     canvas_status_role((enum tl_status)j));
	}
	/* The execution's statuses show like a row's of the same name. */
	assert_int_equal(canvas_exec_status_role(TL_EXEC_RUNNING), CANVAS_STATE_RUNNING);
	assert_int_equal(canvas_exec_status_role(TL_EXEC_FAILED), CANVAS_STATE_FAILED);
	for (int i = TL_EXEC_RUNNING; i <= TL_EXEC_ABORTED; i++) {
		const char *name =
		    canvas_role_name(canvas_exec_status_role((enum tl_exec_status)i));
		assert_string_equal(name + 6, tl_exec_status_name((enum tl_exec_status)i));
	}
	assert_int_equal(canvas_exec_status_role((enum tl_exec_status)(TL_EXEC_ABORTED + 1)),
			 CANVAS_DEFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_put_str_and_trim),
	    cmocka_unit_test(test_wide_glyphs),
	    cmocka_unit_test(test_utf8_malformed),
	    cmocka_unit_test(test_str_fit),
	    cmocka_unit_test(test_box_and_junctions),
	    cmocka_unit_test(test_tee_and_corner_merges),
	    cmocka_unit_test(test_styles),
	    cmocka_unit_test(test_ascii_mode),
	    cmocka_unit_test(test_clip),
	    cmocka_unit_test(test_role_names),
	    cmocka_unit_test(test_status_roles),
	    cmocka_unit_test(test_role_glyphs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
