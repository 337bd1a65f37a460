/*
 * PCI_Config regions behind a bridge, and beyond the standard header
 * (tests/acpi/pci_region.c gives them a config space with a bridge at
 * 00:1c.0 whose secondary bus is 3). DEV0's region must reach 03:00.0,
 * not 00:00.0 as the root bridge's _BBN alone would say.
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "PCIREG", 1)
{
    Scope (\_SB)
    {
        Device (PCI0)
        {
            Name (_HID, EisaId ("PNP0A08"))
            Name (_CID, EisaId ("PNP0A03"))
            Name (_BBN, Zero)
            Device (RP01)
            {
                Name (_ADR, 0x001C0000)
                Device (DEV0)
                {
                    Name (_ADR, Zero)
                    OperationRegion (CFG, PCI_Config, Zero, 0x100)
                    Field (CFG, ByteAcc, NoLock, Preserve) { Offset (0x40), VAL, 8 }
                    OperationRegion (XCFG, PCI_Config, 0x100, 0x10)
                    Field (XCFG, DWordAcc, NoLock, Preserve) { XVAL, 32 }
                    OperationRegion (FAR, PCI_Config, 0x10000, 0x10)
                    Field (FAR, DWordAcc, NoLock, Preserve) { FVAL, 32 }
                    Method (RDV, 0, NotSerialized) { Return (VAL) }
                    Method (RDX, 0, NotSerialized) { Return (XVAL) }
                    Method (RDF, 0, NotSerialized) { Return (FVAL) }
                }
            }
            OperationRegion (HCFG, PCI_Config, Zero, 0x100)
            Field (HCFG, ByteAcc, NoLock, Preserve) { Offset (0x40), HVAL, 8 }
            Method (RDH, 0, NotSerialized) { Return (HVAL) }
        }
    }
}
