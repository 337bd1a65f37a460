/*
 * For the QEMU scenario platform_topo (docs/scenarios/platform_report.md): an
 * SSDT QEMU adds with -acpitable. QEMU's DSDT describes the switch behind the
 * root port 00:04.0 (S20) for hotplug: the upstream port 01:00.0 is S20.S00
 * (_ADR 0), its downstream port 02:00.0 is S20.S00.S00 (_ADR 0), none with a
 * _PRT. This gives the downstream port a _PRT for its secondary bus 03 that is
 * not what a swizzle gives (INTA -> 21, where the swizzle up to the root
 * bridge's _PRT gives 20, QEMU's own wiring). Linux finds S20.S00.S00 by
 * following _ADR through the bridges and uses that _PRT; the platform driver
 * must do the same with the acpi report's <prt> chain (0x40000, 0x0, 0x0).
 * (A second device with the same _ADR next to QEMU's would not do: Linux
 * takes the first one defined as the function's ACPI companion.) No interrupt
 * is delivered in that scenario, only routing is compared.
 * Compiled: iasl -p tests/acpi/scenario/chain_ssdt tests/acpi/scenario/chain_ssdt.asl
 * (the .aml is checked in: QEMU reads it before anything of ours runs).
 */
DefinitionBlock ("", "SSDT", 2, "MKX", "CHAIN", 1)
{
    /* QEMU's DSDT already describes the switch (hotplug slots): S20.S00 is 01:00.0, S20.S00.S00 is 02:00.0 */
    External (\_SB.PCI0.S20.S00.S00, DeviceObj)
    Scope (\_SB.PCI0.S20.S00.S00)
    {
        Name (_PRT, Package () {
            Package () { 0xFFFF, Zero, Zero, 21 },
            Package () { 0xFFFF, One, Zero, 22 },
            Package () { 0xFFFF, 2, Zero, 23 },
            Package () { 0xFFFF, 3, Zero, 20 },
        })
    }
}
