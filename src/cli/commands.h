/* The commands, in the order of `hsnap --help`, the man page and the
 * completions: X(name, one-line summary) for each, run by cmd_<name>
 * (src/cli/cmd_<name>.c).  This list declares those functions (below) and
 * is main.c's command table: adding a command is a row here and its file. */
#ifndef HSNAP_CLI_COMMANDS_H
#define HSNAP_CLI_COMMANDS_H

#define HS_COMMANDS(X)                                                                          \
	X(summary, "statistics, top classes and objects by retained size")                       \
	X(top, "largest objects with what they retain (dominator tree)")                         \
	X(info, "format facts of a snapshot, without analysis")                                  \
	X(diff, "what grew between two snapshots, per class; the CI gate (--fail-on)")           \
	X(retainers, "why objects are alive: shortest retainer paths, merged per class")         \
	X(show, "one object: its properties and values, retainers, dominator chain")             \
	X(leaks, "three-snapshot technique: allocated between A and B, alive in C")              \
	X(growth, "classes that grow at every step over N snapshots")                            \
	X(verify, "integrity report: counts, ids, reachability, sum checks")                     \
	X(export, "one row per node (CSV / JSON lines) for SQL and notebooks")                   \
	X(capture, "take a snapshot of a running process (PID or inspector port)")               \
	X(watch, "capture on a threshold (RSS, heap, every T) and report growth")                \
	X(contexts, "dead closure variables: contexts that keep values no closure can read")     \
	X(realms, "memory per native context (page, iframes, vm contexts) and shared")

#define HS_COMMAND_DECLARE(name, summary) int cmd_##name(int argc, char **argv);
HS_COMMANDS(HS_COMMAND_DECLARE)
#undef HS_COMMAND_DECLARE

#endif
