/* Genode-style argument strings. */
#include <errno.h>
#include <string.h>

#include <mkx/args.h>
#include "harness.h"

TEST(args_quoted_and_plain_values)
{
	char buf[64];
	unsigned long v;
	const char *a = "label=\"nic -> rx\", ram_quota=8K, io_port_base=0x40, io_port_size=4";

	CHECK_INT(mkx_arg_string(a, "label", buf, sizeof buf), 0);
	CHECK(!strcmp(buf, "nic -> rx"));
	CHECK_INT(mkx_arg_ulong(a, "ram_quota", &v), 0);
	CHECK_INT(v, 8192);
	CHECK_INT(mkx_arg_ulong(a, "io_port_base", &v), 0);
	CHECK_INT(v, 0x40);
	CHECK_INT(mkx_arg_ulong(a, "io_port_size", &v), 0);
	CHECK_INT(v, 4);
}

TEST(args_missing_key_and_prefix_key_are_enoent)
{
	char buf[64];

	CHECK_INT(mkx_arg_string("labelx=1", "label", buf, sizeof buf), -ENOENT);
	CHECK_INT(mkx_arg_string("", "label", buf, sizeof buf), -ENOENT);
}

TEST(args_malformed_rejected)
{
	char buf[64];
	unsigned long v;

	CHECK_INT(mkx_arg_string("label=\"open", "label", buf, sizeof buf), -EINVAL);
	CHECK_INT(mkx_arg_string("=5", "x", buf, sizeof buf), -EINVAL);
	CHECK_INT(mkx_arg_ulong("n=12abc", "n", &v), -EINVAL);
	CHECK_INT(mkx_arg_ulong("n=-1", "n", &v), -EINVAL);
	CHECK_INT(mkx_arg_ulong("n=99999999999999999999999", "n", &v), -EINVAL);
	CHECK_INT(mkx_arg_ulong("n=18446744073709551615G", "n", &v), -EINVAL);
}

TEST(args_value_too_long_for_buffer_is_reported_not_cut)
{
	char buf[4];

	CHECK_INT(mkx_arg_string("label=\"abcdef\"", "label", buf, sizeof buf), -ENAMETOOLONG);
}
