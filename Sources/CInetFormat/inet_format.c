#include "CInetFormat.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

// SwiftNIO turns the source address of every datagram it reads into a SocketAddress, whose
// host string it formats at once with inet_ntop; glibc's inet_ntop formats an IPv4 address
// with sprintf, about 1,700 instructions, 7 % of a Get Device ID on the daemon's event loop.
// The binaries link with --wrap=inet_ntop (Package.swift), so every call to inet_ntop in
// them, SwiftNIO's included, comes here; IPv4 is formatted directly, anything else goes to
// glibc's. Shared libraries loaded later (net-snmp) keep calling glibc's. Linux only: the
// flag is GNU ld's and lld's.
#if defined(__linux__)
const char *__real_inet_ntop(int family, const void *address, char *text, socklen_t size);

const char *__wrap_inet_ntop(int family, const void *address, char *text, socklen_t size) {
    if (family == AF_INET) return ipmigod_format_ipv4(address, text, size);
    return __real_inet_ntop(family, address, text, size);
}
#endif

const char *ipmigod_format_ipv4(const void *address, char *text, socklen_t size) {
    const unsigned char *bytes = address;
    char formatted[sizeof "255.255.255.255"];
    size_t length = 0;
    for (int index = 0; index < 4; index++) {
        unsigned value = bytes[index];
        if (value >= 100) formatted[length++] = (char)('0' + value / 100);
        if (value >= 10) formatted[length++] = (char)('0' + value / 10 % 10);
        formatted[length++] = (char)('0' + value % 10);
        formatted[length++] = index < 3 ? '.' : '\0';
    }
    // As glibc's: the whole text with its NUL, or nothing and ENOSPC.
    if (length > size) {
        errno = ENOSPC;
        return NULL;
    }
    memcpy(text, formatted, length);
    return text;
}
