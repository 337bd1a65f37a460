/*
 * Region-dependent routing (fields read as zero without hardware), a _PRT
 * that references a missing object, one that divides by zero, a 32-bit
 * DSDT (revision 1: Ones is 0xFFFFFFFF), _INI changing what _PRT returns,
 * a region whose address names an object defined after it (ACPICA refuses
 * it at load and goes on with the next term: so must we), and a _PRT that
 * reads a field of that missing region.
 */
DefinitionBlock ("", "DSDT", 1, "MKX", "REGIONS", 1)
{
    OperationRegion (GNVS, SystemMemory, 0xDF000000, 0x100)
    Field (GNVS, AnyAcc, Lock, Preserve) {
        OSYS, 16,
        , 4,
        MODE, 4,
        IRQS, 32
    }
    OperationRegion (LATE, SystemMemory, LADR, LLEN)
    Field (LATE, DWordAcc, NoLock, Preserve) { LVAL, 32 }
    Name (LADR, 0xFED00000)
    Name (LLEN, 0x10)
    OperationRegion (PCFG, PCI_Config, 0x60, 4)
    Field (PCFG, ByteAcc, NoLock, Preserve) { PIRA, 8, PIRB, 8 }
    Name (INIT, Zero)
    Scope (\_SB) {
        Method (_INI) { INIT = 0x33 }
        Device (PCI0) {
            Name (_HID, EisaId ("PNP0A03"))
            Method (_PRT) {
                Name (RES, Package () {
                    Package () { 0xFFFF, 0, 0, 0 },
                    Package () { 0xFFFF, 1, 0, 0 },
                    Package () { 0xFFFF, 2, 0, Ones },
                    Package () { 0xFFFF, 3, 0, 0 },
                })
                If (MODE == Zero) {
                    Store (IRQS + 16, Index (DerefOf (Index (RES, 0)), 3))
                    Store ((PIRA & 0x0F) + INIT, Index (DerefOf (Index (RES, 1)), 3))
                    Store (Ones + 2, Index (DerefOf (Index (RES, 3)), 3))
                    Return (RES)
                }
                Return (Package () { Package () { 0xFFFF, 0, 0, 99 } })
            }
            Device (MISS) {
                Name (_ADR, 0x00010000)
                Method (_PRT) { Return (NOPE) }
            }
            Device (LATR) {
                Name (_ADR, 0x00030000)
                Name (P2, Package () { Package () { 0xFFFF, 0, 0, 0 } })
                Method (_PRT) {
                    Store (LVAL, Index (DerefOf (Index (P2, 0)), 3))
                    Return (P2)
                }
            }
            Device (DIV0) {
                Name (_ADR, 0x00020000)
                Name (P1, Package () { Package () { 0xFFFF, 0, 0, 0 } })
                Method (_PRT) {
                    Local0 = Zero
                    Store (10 / Local0, Index (DerefOf (Index (P1, 0)), 3))
                    Return (P1)
                }
            }
        }
    }
    External (NOPE, PkgObj)
}
