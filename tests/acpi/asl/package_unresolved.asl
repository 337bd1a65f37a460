/*
 * A name in a _PRT package that resolves to nothing, in a package built
 * at load and in one built by a method: ACPICA 20200925 makes it an
 * Integer 0 (with a warning), so the entry routes to GSI SourceIndex.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "PKGNONE", 1)
{
    External (\_SB.NOPE, DeviceObj)
    External (\_SB.PCI0.NADA, DeviceObj)
    Scope (\_SB)
    {
        Device (LNKA) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 1) }
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_BBN, Zero)
            Name (_PRT, Package () {
                Package () { 0x0001FFFF, Zero, \_SB.NOPE, 17 },
                Package () { 0x0001FFFF, One, LNKA, Zero },
            })
            Device (BR01)
            {
                Name (_ADR, 0x00010000)
                Method (_PRT, 0, NotSerialized)
                {
                    Return (Package () {
                        Package () { 0xFFFF, Zero, NADA, 18 },
                        Package () { 0xFFFF, One, LNKA, Zero },
                    })
                }
            }
        }
    }
}
