/*
 * libFuzzer target for the AML interpreter: the input is the body of a
 * DSDT. It is loaded, initialised (_STA/_INI), every _PRT is evaluated and
 * every object with no arguments is evaluated too. Any crash, hang or leak
 * is a bug. The interpreter runs with the product's limits (50 M opcodes
 * per evaluation, the default arena cap, the stack budget), so what they
 * let through is what gets fuzzed; a wall-clock bound per input (0.1 s, far
 * below libFuzzer's -timeout) keeps inputs with many slow methods from
 * being reported as hangs: after it, every evaluation fails at once.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../acpi/aml/aml.h"
#include "../../acpi/prt.h"

static void
eval_all(struct aml_node *n, void *arg)
{
	struct aml_ns *ns = arg;
	struct aml_obj *r, *args[7];
	char err[256];
	enum aml_type t = aml_node_type(n);

	for (int i = 0; i < 7; i++)
		args[i] = aml_int(ns, (uint64_t)i);
	if (t == AML_METHOD)
		for (unsigned nargs = 0; nargs < 8; nargs++)
			if (aml_eval(ns, n, args, nargs, &r, err, sizeof err) == 0 ||
			    !strstr(err, "arguments"))
				break;
	if (t == AML_INT || t == AML_STR || t == AML_BUF || t == AML_PKG || t == AML_FIELD_UNIT ||
	    t == AML_BUFFER_FIELD)
		aml_eval(ns, n, NULL, 0, &r, err, sizeof err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	uint8_t *t;
	uint32_t len;
	char err[512];
	struct aml_ns *ns;

	if (size > (1u << 20))
		return 0;
	if (!null)
		null = fopen("/dev/null", "w");
	len = (uint32_t)(size + 36);
	t = malloc(len);
	memcpy(t, "DSDT", 4);
	memcpy(t + 4, &len, 4);
	t[8] = 2;
	memset(t + 9, 0, 27);
	memcpy(t + 36, data, size);
	ns = aml_ns_new(&aml_region_null, 0);
	if (!ns) {
		free(t);
		return 0;
	}
	aml_set_limits(ns, 0, NULL);
	aml_set_time_limit(ns, 100);
	aml_load_table(ns, t, len, "DSDT", err, sizeof err);
	aml_initialize(ns, NULL);
	prt_list(ns, 1, null, null);
	aml_walk(ns, eval_all, ns);
	aml_ns_free(ns);
	free(t);
	return 0;
}
