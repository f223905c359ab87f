/* Merged retainer paths (hs_path_groups) on the output layer, written by
 * cmd_retainers.c for retainers --class and for the commands that nest them
 * in their own rows (leaks' classes). */
#ifndef HSNAP_CLI_PATH_GROUPS_H
#define HSNAP_CLI_PATH_GROUPS_H
#include <stdint.h>
#include "output.h"
#include "hsnap/paths.h"

/* A table of path shapes (count, self_size, retained_size, example_id,
 * truncated in the tree view, the whole path in one field in the flat view)
 * under key, in the views given (0: every view), with flags. */
struct out_table path_groups_table(const char *key, unsigned views, unsigned flags);
/* The first top groups of g as rows of t (a path_groups_table), each with
 * its steps nested; people read the shapes as prose, indented by indent
 * columns in text and doc_indent in markdown. */
void path_groups(struct out *out, const struct out_table *t, const struct hs_analysis *a,
		 const struct hs_path_groups *g, uint32_t top, int indent, int doc_indent);

/* Before a listing of merged paths is printed: the first top groups of g
 * noted, in print order, as paths it will show (text folds the steps all
 * the noted paths share, in the first path too; see shared_steps in
 * cmd_retainers.c).  Call for every group list of the output first. */
void path_groups_note(const struct hs_analysis *a, const struct hs_path_groups *g, uint32_t top);

#endif
