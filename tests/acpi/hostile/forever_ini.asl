/*
 * Finding 3 of issue 11: 24 devices whose _INI loops forever, allocating
 * on every iteration (a register that is polled until it changes, and it
 * never does). Each loop is aborted at the iteration limit; the memory it
 * used must come back, so the _PRT evaluated afterwards is still right.
 * expect: P023._INI failed, going on: .*While loop did not end
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "HOSTILE", 1)
{
    Scope (\_SB)
    {
        Device (P000)
        {
            Name (_ADR, 0)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P001)
        {
            Name (_ADR, 1)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P002)
        {
            Name (_ADR, 2)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P003)
        {
            Name (_ADR, 3)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P004)
        {
            Name (_ADR, 4)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P005)
        {
            Name (_ADR, 5)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P006)
        {
            Name (_ADR, 6)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P007)
        {
            Name (_ADR, 7)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P008)
        {
            Name (_ADR, 8)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P009)
        {
            Name (_ADR, 9)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P010)
        {
            Name (_ADR, 10)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P011)
        {
            Name (_ADR, 11)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P012)
        {
            Name (_ADR, 12)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P013)
        {
            Name (_ADR, 13)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P014)
        {
            Name (_ADR, 14)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P015)
        {
            Name (_ADR, 15)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P016)
        {
            Name (_ADR, 16)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P017)
        {
            Name (_ADR, 17)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P018)
        {
            Name (_ADR, 18)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P019)
        {
            Name (_ADR, 19)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P020)
        {
            Name (_ADR, 20)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P021)
        {
            Name (_ADR, 21)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P022)
        {
            Name (_ADR, 22)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (P023)
        {
            Name (_ADR, 23)
            Method (_INI, 0, NotSerialized)
            {
                Local1 = "0123456789abcdef0123456789abcdef"
                While (One) { Local0 = Concatenate (Local1, Local1) }
            }
        }
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Method (_PRT, 0, NotSerialized)
            {
                Return (Package () {
                    Package () { 0x0001FFFF, Zero, Zero, 16 },
                    Package () { 0x0001FFFF, One, LNKA, Zero },
                })
            }
        }
        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, One)
        }
    }
}
