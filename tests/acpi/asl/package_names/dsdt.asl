/*
 * Names inside packages resolve when the package is evaluated, after all
 * tables loaded, by the normal search rules from the package's scope (as
 * ACPICA does): the SSDT defines closer objects named like the link
 * devices in the bridges' own scopes, and those win. A Device stays a
 * reference (the link); a data object or field unit gives its value.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "PKGNAME", 1)
{
    Scope (\_SB)
    {
        Device (LNKA) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 1) }
        Device (LNKB) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 2) }
        Device (LNKC) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 3) }
        Device (LNKD) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 4) }
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_BBN, Zero)
            Name (_PRT, Package () {
                Package () { 0x0001FFFF, Zero, LNKA, Zero },
                Package () { 0x0002FFFF, Zero, LNKD, Zero },
            })
            Device (BR01)
            {
                Name (_ADR, 0x00010000)
                Name (_PRT, Package () {
                    Package () { 0xFFFF, Zero, LNKA, Zero },	/* a field unit in BR01 (SSDT) */
                    Package () { 0xFFFF, One, LNKB, Zero },	/* a Name in BR01 (SSDT) */
                    Package () { 0xFFFF, 2, LNKC, Zero },	/* a Device in BR01 (SSDT) */
                    Package () { 0xFFFF, 3, LNKD, Zero },	/* nothing closer: \_SB.LNKD */
                })
            }
            Device (BR02)
            {
                Name (_ADR, 0x00020000)
                Method (_PRT, 0, NotSerialized)	/* built when called: the same rules */
                {
                    Return (Package () {
                        Package () { 0xFFFF, Zero, LNKA, Zero },
                        Package () { 0xFFFF, One, LNKB, Zero },
                    })
                }
            }
        }
    }
}
