/*
 * _PRTs below root bridges, for tests/pci/prt_test.sh: a _PRT three devices
 * below its root bridge (root port, switch upstream port, downstream port),
 * devices without _ADR or with an _ADR of all functions, an empty _PRT, a
 * _PRT outside any root bridge, and a second root bridge in segment 1.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "PRTCHAIN", 1)
{
	Scope (\_SB)
	{
		Device (PCI0)
		{
			Name (_HID, EisaId ("PNP0A08"))
			Name (_CID, EisaId ("PNP0A03"))
			Name (_BBN, 0)
			Name (_PRT, Package () {
				Package () { 0x0005FFFF, 0, 0, 16 },
				Package () { 0x001CFFFF, 0, 0, 17 },
			})
			Device (RP01)
			{
				Name (_ADR, 0x001C0000)
				Name (_PRT, Package () {
					Package () { 0xFFFF, 0, 0, 20 },
					Package () { 0xFFFF, 1, 0, 21 },
					Package () { 0xFFFF, 2, 0, 22 },
					Package () { 0xFFFF, 3, 0, 23 },
				})
				Device (UP00)
				{
					Name (_ADR, 0)
					Device (DN02)
					{
						Method (_ADR) { Return (0x00020000) }
						Method (_PRT) {
							Return (Package () {
								Package () { 0xFFFF, 0, 0, 40 },
								Package () { 0xFFFF, 1, 0, 41 },
								Package () { 0xFFFF, 2, 0, 42 },
								Package () { 0xFFFF, 3, 0, 43 },
							})
						}
					}
				}
			}
			Device (RP02)
			{
				Name (_PRT, Package () { Package () { 0xFFFF, 0, 0, 30 } })
			}
			Device (RP03)
			{
				Name (_ADR, 0x001CFFFF)
				Name (_PRT, Package () { Package () { 0xFFFF, 0, 0, 31 } })
			}
			Device (RP04)
			{
				Name (_ADR, 0x001C0003)
				Name (_PRT, Package () {})
			}
		}
		Device (PCI1)
		{
			Name (_HID, EisaId ("PNP0A08"))
			Name (_SEG, 1)
			Name (_BBN, 0x40)
			Name (_PRT, Package () {
				Package () { 0x0000FFFF, 0, 0, 50 },
				Package () { 0x0000FFFF, 1, 0, 51 },
			})
		}
		Device (FOO)
		{
			Name (_PRT, Package () { Package () { 0xFFFF, 0, 0, 60 } })
		}
	}
}
