/* gate_report.c through the output layer: --fail-on's rules and violations as
 * one section of a command's result (the tree view: "rules" and "violations";
 * the people's views: the "Gate:" lines when rules were given; CSV: nothing).
 * violations_json and violations_report (cli.h) are this section for the
 * callers that still hold a yajl generator or a format. */
#ifndef HSNAP_CLI_GATE_REPORT_H
#define HSNAP_CLI_GATE_REPORT_H
#include "hsnap/gate.h"

struct out;
void violations_out(struct out *o, const struct hs_violations *vs);

#endif
