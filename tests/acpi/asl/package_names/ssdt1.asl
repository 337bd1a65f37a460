DefinitionBlock ("", "SSDT", 2, "MKX", "PKGNAME2", 1)
{
    External (\_SB.PCI0.BR01, DeviceObj)
    External (\_SB.PCI0.BR02, DeviceObj)
    Scope (\_SB.PCI0.BR01)
    {
        OperationRegion (BRCF, SystemMemory, 0x000F0000, 0x10)
        Field (BRCF, ByteAcc, NoLock, Preserve) { LNKA, 1 }
        Name (LNKB, 0x2A)
        Device (LNKC) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 7) }
    }
    Scope (\_SB.PCI0.BR02)
    {
        Name (LNKB, 0x2B)
    }
}
