/*
 * A SystemMemory register polled until it changes (issue 11 finding 6),
 * at q35's HPET address: 0xF0 is the main counter, which core's sim back
 * end advances on every read. POLL returns how many reads it took to see
 * a change, 0xFFFF if the limit came first (a snapshot: it never changes).
 * WRRD writes a register and reads it back (a snapshot refuses the write).
 */
DefinitionBlock ("", "DSDT", 2, "MKX", "LIVEPOLL", 1)
{
    OperationRegion (HPTM, SystemMemory, 0xFED00000, 0x0400)
    Field (HPTM, DWordAcc, NoLock, Preserve)
    {
        Offset (0x10), CONF, 32,
        Offset (0xF0), CNTR, 32
    }
    Method (POLL, 0, Serialized)
    {
        Local0 = CNTR
        Local1 = Zero
        While (Local1 < 100)
        {
            Local1++
            If (CNTR != Local0) { Return (Local1) }
        }
        Return (0xFFFF)
    }
    Method (WRRD, 0, Serialized)
    {
        CONF = 0xA5A50001
        Return (CONF)
    }
}
