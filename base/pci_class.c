/* PCI class aliases (mkx/pci_class.h): Genode's table, in its order, and our additions after it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mkx/pci_class.h>

#define ANY	0x100	/* a wildcard byte */

static const struct alias {
	const char	*name;
	unsigned	base, sub, iface;
} aliases[] = {
	/* Genode's (platform/pci.cc, pci_class_code_alias), first match wins. */
	{ "NVME", 0x01, 0x08, 0x02 },
	{ "USB", 0x0c, 0x03, 0x00 },	/* UHCI */
	{ "USB", 0x0c, 0x03, 0x10 },	/* OHCI */
	{ "USB", 0x0c, 0x03, 0x20 },	/* EHCI */
	{ "USB", 0x0c, 0x03, 0x30 },	/* xHCI */
	{ "USB4", 0x0c, 0x03, 0x40 },
	{ "VGA", 0x03, 0x00, 0x00 },
	{ "AHCI", 0x01, 0x06, ANY },
	{ "AUDIO", 0x04, 0x01, ANY },
	{ "ETHERNET", 0x02, 0x00, ANY },
	{ "HDAUDIO", 0x04, 0x03, ANY },
	{ "ISABRIDGE", 0x06, 0x01, ANY },
	{ "WIFI", 0x02, 0x80, ANY },
	/* Ours: Genode has no name for host bridges (its policies never hand them out). */
	{ "HOSTBRIDGE", 0x06, 0x00, ANY },
};

#define NALIASES (sizeof aliases / sizeof aliases[0])

static int
byte_is(unsigned want, unsigned have)
{
	return want == ANY || want == have;
}

/* Genode's alias of a function's class (base << 16 | sub << 8 | prog-if): "VGA", ..., or "ALL". */
static const char *
class_alias(uint32_t class)
{
	for (unsigned i = 0; i < NALIASES; i++)
		if (byte_is(aliases[i].base, class >> 16 & 0xff) && byte_is(aliases[i].sub, class >> 8 & 0xff) &&
		    byte_is(aliases[i].iface, class & 0xff))
			return aliases[i].name;
	return "ALL";
}

int
mkx_pci_class_parse(const char *s, uint32_t *class, uint32_t *mask)
{
	size_t digits;
	char *end;
	unsigned long v;

	for (unsigned i = 0; i < NALIASES; i++)
		if (!strcmp(s, aliases[i].name)) {
			*class = MKX_PCI_CLASS_ALIAS | i;
			*mask = 0;
			return 0;
		}
	/* The number of hex digits says how much is given: 2 base class, 4 with subclass, 6 all. */
	if (strncmp(s, "0x", 2) && strncmp(s, "0X", 2))
		return -EINVAL;
	v = strtoul(s + 2, &end, 16);
	digits = (size_t)(end - (s + 2));
	if (*end || (digits != 2 && digits != 4 && digits != 6))
		return -EINVAL;
	*class = (uint32_t)(v << (4 * (6 - digits)));
	*mask = 0xffffffu & ~(0xffffffu >> (4 * digits));
	return 0;
}

int
mkx_pci_class_match(uint32_t class, uint32_t mask, uint32_t fn_class)
{
	if (class & MKX_PCI_CLASS_ALIAS) {
		unsigned i = class & ~MKX_PCI_CLASS_ALIAS;

		/* Genode's way: the function's one alias is the policy's name (USB's four entries share it). */
		return i < NALIASES && !strcmp(class_alias(fn_class), aliases[i].name);
	}
	return (fn_class & mask) == class;
}

const char *
mkx_pci_class_names(void)
{
	return "NVME, USB, USB4, VGA, AHCI, AUDIO, ETHERNET, HDAUDIO, ISABRIDGE, WIFI (Genode's), HOSTBRIDGE";
}
