/*
 * platform: Genode's platform driver as a component of its own, fed by
 * its "devices" ROM (pci_decode's report or a hand-written file) instead
 * of enumerating PCI itself (platform_serve.c). The `pci` component is the
 * enumerating one (pci_decode's part, and in the one-component
 * composition both parts).
 */
int	platform_rom_component(void);	/* platform_serve.c */

int
main(void)
{
	return platform_rom_component();
}
