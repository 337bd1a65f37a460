/* Two root bridges (one in an SSDT, with _SEG and _BBN), bridges below them, a shared link. */
DefinitionBlock ("", "DSDT", 2, "MKX", "MULTI", 1)
{
    Scope (\_SB) {
        Device (LNKS) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 9) }
        Device (PC00) {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_SEG, Zero)
            Name (_BBN, Zero)
            Name (_PRT, Package () { Package () { 0x001CFFFF, 0, LNKS, 0 } })
            Device (RP01) {
                Name (_ADR, 0x001C0000)
                Method (_PRT) { Return (Package () { Package () { 0xFFFF, 0, 0, 16 } }) }
            }
        }
    }
}
