// Linux headers and declarations that the Glibc module does not export.
#include <sys/epoll.h>
#include <sys/eventfd.h>

// accept4(2) is declared only under _GNU_SOURCE, which the Glibc module is not built with.
// Declared with plain types so that sockaddr stays the Glibc module's own.
extern int accept4(int fd, void *addr, unsigned int *addrlen, int flags);

// The width of the terminal on fd in columns, 0 when it is not a terminal; ioctl(2) is
// variadic, which Swift does not import.
#include <sys/ioctl.h>
static inline int sb_terminal_columns(int fd) {
    struct winsize size;
    return ioctl(fd, TIOCGWINSZ, &size) == 0 ? size.ws_col : 0;
}
