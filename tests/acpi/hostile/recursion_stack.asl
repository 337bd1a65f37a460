/*
 * Finding 1 of issue 11: 80 nested Add around an unbounded recursive call.
 * Each level of recursion nests 80 terms, so the C stack of a recursive
 * interpreter runs out long before a count of method calls says stop.
 * acpiexec stops at its method limit; we must stop at our stack budget,
 * with an error naming the method, and go on with the other _PRTs.
 * expect: RECU: .*stack
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "HOSTILE", 1)
{
    Method (RECU, 1, NotSerialized)
    {
        Return (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (Add (RECU (Arg0), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One), One))
    }
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Method (_PRT, 0, NotSerialized)
            {
                Local0 = RECU (One)
                Return (Package () { Package () { 0x0001FFFF, Zero, Zero, 16 } })
            }
            Device (BR01)
            {
                Name (_ADR, 0x00020000)
                Name (_PRT, Package () { Package () { 0xFFFF, Zero, Zero, 17 } })
            }
        }
        Device (DEV1)
        {
            Name (_ADR, Zero)
            Method (_INI, 0, NotSerialized) { RECU (2) }
        }
    }
}
