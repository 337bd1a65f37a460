/*
 * Interrupt links the firmware left without an IRQ, as QEMU's i440fx
 * (PIIX PIRQ routers behind LNKA-LNKD) shows them once an OS has run
 * _DIS: _STA "present, not enabled" (0x09), or _CRS an Interrupt {0}, or
 * an IRQ descriptor with an empty mask. Each must be unrouted with its
 * reason and what _PRS offers, never "GSI 0"; the enabled link beside
 * them keeps its route.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "LNKDIS", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
            Name (_PRT, Package () {
                Package () { 0x0001FFFF, Zero, LNKA, Zero },
                Package () { 0x0002FFFF, Zero, LNKB, Zero },
                Package () { 0x0003FFFF, Zero, LNKC, Zero },
                Package () { 0x0004FFFF, Zero, LNKD, Zero },
            })
        }
        Name (PRS0, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 5, 10, 11 } })
        Device (LNKA)		/* enabled at 10 */
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, Zero)
            Method (_STA) { Return (0x0B) }
            Method (_PRS) { Return (PRS0) }
            Name (_CRS, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 10 } })
        }
        Device (LNKB)		/* _STA: not enabled; _CRS would still name 11 */
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, One)
            Method (_STA) { Return (0x09) }
            Method (_PRS) { Return (PRS0) }
            Name (_CRS, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 11 } })
        }
        Device (LNKC)		/* QEMU's disabled PIIX link as _CRS shows it: Interrupt {0} */
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 2)
            Method (_STA) { Return (0x0B) }
            Method (_PRS) { Return (PRS0) }
            Name (_CRS, ResourceTemplate () { Interrupt (ResourceConsumer, Level, ActiveHigh, Shared) { 0 } })
        }
        Device (LNKD)		/* an IRQ descriptor with no IRQ in its mask */
        {
            Name (_HID, EisaId ("PNP0C0F"))
            Name (_UID, 3)
            Name (_PRS, ResourceTemplate () { IRQ (Level, ActiveLow, Shared) { 3, 4 } })
            Name (_CRS, Buffer () { 0x23, 0x00, 0x00, 0x18, 0x79, 0x00 })
        }
    }
}
