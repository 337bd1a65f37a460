/*
 * For the QEMU scenario acpi_bridge (docs/scenarios/acpi_bridge.md): an SSDT
 * QEMU adds with -acpitable. It gives the PCIe root port 00:04.0 (S20 in
 * QEMU's DSDT, which has no _PRT for it) a _PRT whose answer depends on a PCI_Config region
 * of the device behind it, 01:00.0 (an e1000e, 8086:10d3): GSI 21 when the
 * region reaches 01:00.0, GSI 22 when it reaches anything else (00:00.0, as
 * a region's bus taken from _BBN alone would). Linux (ACPICA) evaluates it
 * for the e1000e's interrupt; the acpi component must give the same GSI.
 * Compiled: iasl -p tests/acpi/scenario/bridge_ssdt tests/acpi/scenario/bridge_ssdt.asl
 * (the .aml is checked in: QEMU reads it before anything of ours runs).
 */
DefinitionBlock ("", "SSDT", 2, "MKX", "BRIDGE", 1)
{
    /* QEMU's DSDT describes the root port as S20 (_ADR 0x00040000), without a _PRT */
    External (\_SB.PCI0.S20, DeviceObj)
    Scope (\_SB.PCI0.S20)
    {
        Device (NIC0)
        {
            Name (_ADR, Zero)
            OperationRegion (CFG, PCI_Config, Zero, 0x04)
            Field (CFG, DWordAcc, NoLock, Preserve) { VDID, 32 }
        }
        Method (_PRT, 0, NotSerialized)
        {
            If ((\_SB.PCI0.S20.NIC0.VDID == 0x10D38086))
            {
                Return (Package () { Package () { 0xFFFF, Zero, Zero, 21 } })
            }
            Return (Package () { Package () { 0xFFFF, Zero, Zero, 22 } })
        }
    }
}
