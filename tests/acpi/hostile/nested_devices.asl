/*
 * Finding 2 of issue 11: 6000 Devices nested in each other (generated at
 * test time behind this table's end: iasl cannot parse that deep). Loading
 * must stop nesting at the stack budget with a clear error, keep what came
 * before and after, and the _PRT below must come out as acpiexec's.
 * nest: 6000
 * expect: DSDT \(table load\): .*stack
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "HOSTILE", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_PRT, Package () {
                Package () { 0x0001FFFF, Zero, LNKA, Zero },
                Package () { 0x0002FFFF, One, Zero, 18 },
            })
        }
        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, One)
        }
    }
}
