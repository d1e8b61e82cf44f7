// A faster inet_ntop for IPv4, linked in place of glibc's (see inet_format.c).
#ifndef IPMIGOD_CINETFORMAT_H
#define IPMIGOD_CINETFORMAT_H

#include <sys/socket.h>

// Writes the dotted-decimal form of the 4 bytes at `address` (network order) and a NUL to
// `text`: what glibc's inet_ntop(AF_INET, ...) writes. Returns `text`, or NULL with errno
// ENOSPC when `size` cannot hold it.
const char *ipmigod_format_ipv4(const void *address, char *text, socklen_t size);

#endif
