DefinitionBlock ("", "SSDT", 2, "MKX", "MULTI2", 1)
{
    External (\_SB.LNKS, DeviceObj)
    Scope (\_SB) {
        Device (PC01) {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_SEG, One)
            Name (_BBN, 0x80)
            Method (_PRT) {
                Return (Package () {
                    Package () { 0x0000FFFF, 0, 0, 40 },
                    Package () { 0x0000FFFF, 1, \_SB.LNKS, 0 },
                })
            }
            Device (BR00) {
                Name (_ADR, Zero)
                Name (_PRT, Package () { Package () { 0xFFFF, 0, 0, 41 } })
            }
        }
    }
}
