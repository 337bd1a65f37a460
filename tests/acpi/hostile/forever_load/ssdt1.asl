/*
 * Finding 3 of issue 11, while tables load: module-level code calls a
 * method that loops forever, allocating, 24 times (each call in a Scope of
 * its own, so that loading goes on behind each failure). Each call is
 * aborted at the iteration limit and is an evaluation of its own: its
 * memory must come back, so the next table loads and its _PRT is right.
 * (ACPICA fails this table's load as a whole at the first aborted call; we
 * go on behind each failed term. Either way the _PRT is the same.)
 * expect: LOOP: While loop did not end
 */
DefinitionBlock ("", "SSDT", 2, "MKX", "HOSTILE2", 1)
{
    External (\LOOP, MethodObj)
    Name (X000, Zero)
    Name (X001, Zero)
    Name (X002, Zero)
    Name (X003, Zero)
    Name (X004, Zero)
    Name (X005, Zero)
    Name (X006, Zero)
    Name (X007, Zero)
    Name (X008, Zero)
    Name (X009, Zero)
    Name (X010, Zero)
    Name (X011, Zero)
    Name (X012, Zero)
    Name (X013, Zero)
    Name (X014, Zero)
    Name (X015, Zero)
    Name (X016, Zero)
    Name (X017, Zero)
    Name (X018, Zero)
    Name (X019, Zero)
    Name (X020, Zero)
    Name (X021, Zero)
    Name (X022, Zero)
    Name (X023, Zero)
    Scope (\) { Store (\LOOP (), X000) }
    Scope (\) { Store (\LOOP (), X001) }
    Scope (\) { Store (\LOOP (), X002) }
    Scope (\) { Store (\LOOP (), X003) }
    Scope (\) { Store (\LOOP (), X004) }
    Scope (\) { Store (\LOOP (), X005) }
    Scope (\) { Store (\LOOP (), X006) }
    Scope (\) { Store (\LOOP (), X007) }
    Scope (\) { Store (\LOOP (), X008) }
    Scope (\) { Store (\LOOP (), X009) }
    Scope (\) { Store (\LOOP (), X010) }
    Scope (\) { Store (\LOOP (), X011) }
    Scope (\) { Store (\LOOP (), X012) }
    Scope (\) { Store (\LOOP (), X013) }
    Scope (\) { Store (\LOOP (), X014) }
    Scope (\) { Store (\LOOP (), X015) }
    Scope (\) { Store (\LOOP (), X016) }
    Scope (\) { Store (\LOOP (), X017) }
    Scope (\) { Store (\LOOP (), X018) }
    Scope (\) { Store (\LOOP (), X019) }
    Scope (\) { Store (\LOOP (), X020) }
    Scope (\) { Store (\LOOP (), X021) }
    Scope (\) { Store (\LOOP (), X022) }
    Scope (\) { Store (\LOOP (), X023) }
}
