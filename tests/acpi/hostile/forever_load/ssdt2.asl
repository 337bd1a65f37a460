DefinitionBlock ("", "SSDT", 2, "MKX", "HOSTILE3", 1)
{
    External (\_SB.PCI0, DeviceObj)
    External (\_SB.LNKA, DeviceObj)
    Scope (\_SB.PCI0)
    {
        Name (_PRT, Package () {
            Package () { 0x0001FFFF, Zero, Zero, 16 },
            Package () { 0x0001FFFF, One, \_SB.LNKA, Zero },
        })
    }
}
