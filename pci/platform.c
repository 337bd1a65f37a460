/* Platform sessions (issue 13 step 4): not served yet. The driver stays up so its report stays current. */
#include <mkx/env.h>
#include <mkx/log.h>
#include <mkx/rpc.h>

#include "component.h"

void
pci_serve(struct pci_tree *t, struct mkx_xml *conf)
{
	struct mkx_msg m;

	(void)t;
	(void)conf;
	mkx_log("Platform sessions are not served yet");
	while (mkx_parent_next(&m, 1) == 0)
		mkx_msg_close_fds(&m);
}
