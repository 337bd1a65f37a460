/* Operation regions through core's sessions (see regions_session.c). */
#ifndef ACPI_REGIONS_SESSION_H
#define ACPI_REGIONS_SESSION_H

#include "aml/aml.h"

extern const struct aml_region_ops aml_region_sessions;

#endif
