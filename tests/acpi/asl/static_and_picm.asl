/* Static Name(_PRT) packages, a method choosing by \_PIC, link devices defined after use. */
DefinitionBlock ("", "DSDT", 2, "MKX", "STATIC", 1)
{
    Name (PICM, Zero)
    Method (\_PIC, 1) { PICM = Arg0 }
    Scope (\_SB) {
        Device (PCI0) {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
            Method (_PRT) { If (PICM) { Return (AR00) } Else { Return (PR00) } }
            Name (PR00, Package () {
                Package () { 0x0001FFFF, 0, LNKA, 0 },
                Package () { 0x0001FFFF, 1, LNKB, 0 },
                Package () { 0x0002FFFF, 0, \_SB.LNKC, 0 },
                Package () { 0x0002FFFF, 3, ^LNKD, 0 },
            })
            Name (AR00, Package () {
                Package () { 0x0001FFFF, 0, 0, 16 },
                Package () { 0x0001FFFF, 1, 0, 17 },
                Package () { 0x0002FFFF, 0, 0, 18 },
                Package () { 0x0002FFFF, 3, 0, 19 },
            })
            Device (BR01) {
                Name (_ADR, 0x00030000)
                Name (_PRT, Package () {
                    Package () { 0xFFFF, 0, 0, 20 },
                    Package () { 0xFFFF, 1, 0, 21 },
                })
            }
            Device (BR02) {
                Name (_ADR, 0x00040000)
                Name (_PRT, Package () { })
            }
        }
        Device (LNKA) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 1) }
        Device (LNKB) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 2) }
        Device (LNKC) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 3) }
        Device (LNKD) { Name (_HID, EisaId ("PNP0C0F")) Name (_UID, 4) }
    }
}
