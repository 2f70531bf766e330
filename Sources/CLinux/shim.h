// Linux headers and declarations that the Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// accept4(2) is declared only under _GNU_SOURCE, which the Glibc module is not built with.
// Declared with plain types so that sockaddr stays the Glibc module's own.
extern int accept4(int fd, void *addr, unsigned int *addrlen, int flags);
