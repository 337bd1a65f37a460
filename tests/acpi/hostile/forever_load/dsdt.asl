DefinitionBlock ("", "DSDT", 2, "MKX", "HOSTILE", 1)
{
    Method (LOOP, 0, NotSerialized)
    {
        Local1 = "0123456789abcdef0123456789abcdef"
        While (One) { Local0 = Concatenate (Local1, Local1) }
        Return (Local0)
    }
    Scope (\_SB)
    {
        Device (PCI0) { Name (_HID, EisaId ("PNP0A08")) }
        Device (LNKA)
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, One)
        }
    }
}
