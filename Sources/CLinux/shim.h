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

// The credentials of a Unix-domain socket's peer (SO_PEERCRED); struct ucred itself is declared
// only under _GNU_SOURCE, and <sys/socket.h> here would give the Glibc module's socket types a
// second home, so getsockopt(2) is declared with plain types and the constants are Linux's own
// (SOL_SOCKET 1, SO_PEERCRED 17 on x86-64 and arm64). Returns 0, or -1 with errno set.
extern int getsockopt(int fd, int level, int name, void *value, unsigned int *length);
static inline int sb_peer_credentials(int fd, int *pid, unsigned int *uid, unsigned int *gid) {
    struct { int pid; unsigned int uid; unsigned int gid; } credentials;
    unsigned int length = sizeof credentials;
    if (getsockopt(fd, 1, 17, &credentials, &length) != 0) return -1;
    *pid = credentials.pid;
    *uid = credentials.uid;
    *gid = credentials.gid;
    return 0;
}
