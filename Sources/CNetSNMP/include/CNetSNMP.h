// The net-snmp surface ipmigod uses, re-exported for Swift.
//
// net-snmp's PDU type constants and a few helpers are composite or function-like
// macros that Swift cannot import, and its protocol OIDs are mutable globals that
// Swift 6 rejects as not concurrency-safe; this header turns them into plain
// constants and functions.
#ifndef IPMIGOD_CNETSNMP_H
#define IPMIGOD_CNETSNMP_H

// net-snmp-config.h defines _GNU_SOURCE: pull in the system headers first, or the
// module ends up with two different fd_set types.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <stdio.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static const int ipmigod_SNMP_MSG_TRAP = SNMP_MSG_TRAP;
static const int ipmigod_SNMP_MSG_TRAP2 = SNMP_MSG_TRAP2;
static const int ipmigod_SNMP_MSG_INFORM = SNMP_MSG_INFORM;
static const int ipmigod_SNMP_MSG_RESPONSE = SNMP_MSG_RESPONSE;

/// Keeps net-snmp away from the system's snmp.conf, MIB files and /var/lib/snmp:
/// the daemon writes only under its own state directory.
void ipmigod_snmp_isolate(const char *persistent_dir);

/// The net-snmp library version string, for the startup log.
const char *ipmigod_snmp_version(void);

#endif
