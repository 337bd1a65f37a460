/*
 * _PRT entries whose Source is a String naming the link device (ACPI 6.4
 * 6.2.13 allows a NameString; some firmware writes a String): absolute,
 * and relative to the _PRT's device. --prt prints the string, --routing
 * must follow it to the link's _CRS like a name.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "STRSRC", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_BBN, Zero)
            Method (_PRT) { Return (PRTS) }	/* iasl refuses a String Source in Name (_PRT) */
            Name (PRTS, Package () {
                Package () { 0x0001FFFF, Zero, "\\_SB.LNKA", Zero },
                Package () { 0x0002FFFF, Zero, "LNKB", Zero },
            })
            Device (LNKB)
            {
                Name (_HID, EisaId ("PNP0C0F"))
                Name (_CRS, ResourceTemplate () { IRQ (Level, ActiveLow, Shared) { 11 } })
            }
        }
        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_CRS, ResourceTemplate () { IRQ (Level, ActiveLow, Shared) { 10 } })
        }
    }
}
