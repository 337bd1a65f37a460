/* placeholder replaced below */
int acpi_component(void);
int acpi_component(void) { return 2; }
