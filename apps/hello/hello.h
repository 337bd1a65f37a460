/* The "Hello" service: the smallest service one component offers another. */
#ifndef HELLO_H
#define HELLO_H

#define HELLO_SAY	0x100	/* req: a name; reply: a greeting (text) */

#endif
