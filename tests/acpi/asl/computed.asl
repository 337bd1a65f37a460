/* _PRT built at run time: While, Index stores, DerefOf, arithmetic, Switch, buffer fields, conversions. */
DefinitionBlock ("", "DSDT", 2, "MKX", "COMPUTE", 1)
{
    Name (PICM, Zero)
    Method (\_PIC, 1) { PICM = Arg0 }
    Name (BASE, Buffer () { 0x10, 0x00, 0x00, 0x00, 0x14 })
    CreateDWordField (BASE, 0, GSIB)
    CreateByteField (BASE, 4, GSIC)
    Method (GSI, 2, Serialized) {
        /* the classic (slot + pin) & 3 rotation */
        Local0 = (Arg0 + Arg1) & 3
        Switch (ToInteger (Arg0)) {
            Case (Package () { 30, 31 }) { Return (GSIC + Local0) }
            Case (7) { Return (GSIB + 7) }
            Default { Return (GSIB + Local0) }
        }
    }
    Scope (\_SB) {
        Device (PCI0) {
            Name (_HID, EisaId ("PNP0A08"))
            Method (_PRT, 0, Serialized) {
                Local0 = Package (0x20) { }
                Local1 = Zero
                Local2 = Zero
                While (Local1 < 8) {
                    Local3 = Zero
                    While (Local3 < 4) {
                        Local4 = Package (4) { Zero, Zero, Zero, Zero }
                        Local4 [0] = (Local1 << 16) | 0xFFFF
                        Local4 [1] = Local3
                        If (PICM) {
                            Local4 [3] = GSI (Local1, Local3)
                        } Else {
                            Local4 [3] = 10 + (Local1 % 2)
                        }
                        Local0 [Local2] = Local4
                        Local2++
                        Local3++
                    }
                    Local1 += 1
                }
                Return (Local0)
            }
            Device (HEX) {
                Name (_ADR, 0x001E0000)
                Name (STR4, "abcd")
                Name (RES, Package () {
                    Package () { 0xFFFF, 0, 0, 0 },
                    Package () { 0xFFFF, 1, 0, 0 },
                    Package () { 0xFFFF, 2, 0, 0 },
                    Package () { 0xFFFF, 3, 0, 0 },
                })
                Method (_PRT) {
                    FindSetLeftBit (0x80, Local5)
                    FindSetRightBit (0x80, Local6)
                    Local2 = SizeOf (STR4) + Local5 + Local6
                    Store (ToInteger ("0x1F"), Index (DerefOf (Index (RES, 0)), 3))
                    Store (DerefOf (Index (Package () { 3, 5, 7 }, 2)), Index (DerefOf (Index (RES, 1)), 3))
                    Store (Local2, Index (DerefOf (Index (RES, 2)), 3))
                    Store (GSI (30, 1), Index (DerefOf (Index (RES, 3)), 3))
                    Return (RES)
                }
            }
        }
    }
}
