// The net-snmp surface ipmigod uses, re-exported for Swift.
//
// net-snmp's PDU type constants and a few helpers are composite or function-like
// macros that Swift cannot import, and its protocol OIDs are mutable globals that
// Swift 6 rejects as not concurrency-safe; this header turns them into plain
// constants and functions. Session setup lives here too: it is mostly C struct
// plumbing (strings the library keeps pointers to, fixed-size key buffers).
#ifndef IPMIGOD_CNETSNMP_H
#define IPMIGOD_CNETSNMP_H

// net-snmp-config.h defines _GNU_SOURCE: pull in the system headers first, or the
// module ends up with two different fd_set types.
#include <sys/types.h>
#include <sys/select.h>
#include <sys/time.h>
#include <stdio.h>
#include <stdint.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

static const int ipmigod_SNMP_MSG_TRAP = SNMP_MSG_TRAP;
static const int ipmigod_SNMP_MSG_TRAP2 = SNMP_MSG_TRAP2;
static const int ipmigod_SNMP_MSG_INFORM = SNMP_MSG_INFORM;
static const int ipmigod_SNMP_MSG_RESPONSE = SNMP_MSG_RESPONSE;
static const int ipmigod_SNMP_VERSION_1 = SNMP_VERSION_1;
static const int ipmigod_SNMP_VERSION_2c = SNMP_VERSION_2c;
static const int ipmigod_SNMP_VERSION_3 = SNMP_VERSION_3;
static const int ipmigod_CALLBACK_OP_RECEIVED_MESSAGE = NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE;
static const int ipmigod_CALLBACK_OP_TIMED_OUT = NETSNMP_CALLBACK_OP_TIMED_OUT;

/// Keeps net-snmp away from the system's snmp.conf, MIB files and /var/lib/snmp:
/// the daemon writes only under its own state directory. Call before ipmigod_snmp_init
/// (it applies the settings, before init_snmp).
void ipmigod_snmp_isolate(const char *persistent_dir);

/// Loads net-snmp (dlopen), once per process: 1 when it is there. Every function below
/// loads it when needed; net-snmp is not linked, so a daemon that sends no alert never maps it.
int ipmigod_snmp_load(void);
/// Why ipmigod_snmp_load returned 0 ("" before it was called or when it succeeded).
const char *ipmigod_snmp_load_error(void);

/// init_snmp, once per process (later calls do nothing).
void ipmigod_snmp_init(const char *app_name);

/// Sets the boot count of the SNMPv3 engine `engine_id` (ours, for traps) and its engine
/// time to `engine_time` seconds now: net-snmp puts both in every message keyed for that engine.
void ipmigod_snmp_set_engine_boots(const uint8_t *engine_id, size_t engine_id_length, uint32_t boots,
                                   uint32_t engine_time);

/// The local address client sessions opened from now on send from ("127.1.0.7"; NULL for any):
/// a fleet member's traps come from its own address.
void ipmigod_set_client_address(const char *address);

/// The net-snmp version built against, for the startup log (asking the library would load it).
const char *ipmigod_snmp_version(void);

/// snmp_pdu_create, snmp_free_pdu (NULL is ignored), snmp_sess_session and usm_get_user.
netsnmp_pdu *ipmigod_pdu_create(int command);
void ipmigod_pdu_free(netsnmp_pdu *pdu);
netsnmp_session *ipmigod_session_state(void *session);
struct usmUser *ipmigod_usm_get_user(const uint8_t *engine_id, size_t engine_id_length, const char *name);

/// RFC 3414 password-to-key (Ku) and key localization (Kul), both with HMAC-SHA1's hash:
/// generate_Ku and generate_kul. SNMPERR_SUCCESS or an error.
int ipmigod_generate_ku(const uint8_t *passphrase, size_t length, uint8_t *ku, size_t *ku_length);
int ipmigod_generate_kul(const uint8_t *engine_id, size_t engine_id_length, const uint8_t *ku, size_t ku_length,
                         uint8_t *kul, size_t *kul_length);

/// Opens a single-session-API session to `peer` ("udp:a.b.c.d:port") for SNMPv1/v2c.
/// net-snmp does no retries of its own (the sender schedules them); `timeout_us` is
/// how long an INFORM stays outstanding. Responses and timeouts go to `callback`
/// with `magic`. Returns NULL on failure.
void *ipmigod_session_open_community(const char *peer, long version, const char *community,
                                     long timeout_us, netsnmp_callback callback, void *magic);

/// The same for SNMPv3 authPriv with HMAC-SHA1-96 and AES-128, from the user's master
/// keys (Ku, RFC 3414 password-to-key with SHA-1; at most 64 bytes each). A non-empty
/// `engine_id` makes this end the authoritative engine (what a trap needs); with an empty
/// one (an INFORM) the receiver's is discovered later, by ipmigod_session_send_discovery,
/// never by net-snmp's blocking probe. Returns NULL on failure.
void *ipmigod_session_open_v3(const char *peer, const char *user,
                              const uint8_t *auth_ku, size_t auth_ku_length,
                              const uint8_t *priv_ku, size_t priv_ku_length,
                              const uint8_t *engine_id, size_t engine_id_length,
                              long timeout_us, netsnmp_callback callback, void *magic);

/// SNMPv1 Trap-PDU fields: enterprise, agent-addr (4 bytes, network order), generic 6,
/// specific, time-stamp in hundredths of a second.
void ipmigod_pdu_set_v1_trap(netsnmp_pdu *pdu, const oid *enterprise, size_t enterprise_length,
                             const uint8_t agent_address[4], long specific_trap, unsigned long uptime);

int ipmigod_pdu_add_octets(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                           const uint8_t *bytes, size_t length);
int ipmigod_pdu_add_oid(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                        const oid *value, size_t value_length);
int ipmigod_pdu_add_timeticks(netsnmp_pdu *pdu, const oid *name, size_t name_length, unsigned long ticks);

/// 1 when `pdu` is a RESPONSE without error: an acknowledged INFORM.
int ipmigod_pdu_is_success_response(const netsnmp_pdu *pdu);

/// net-snmp clears SNMP_FLAGS_DONT_PROBE once a session is open and would then probe for
/// the receiver's engine ID synchronously inside the first INFORM's send; this sets it again
/// so that discovery is ours to do, without blocking (ipmigod_session_send_discovery).
void ipmigod_session_defer_discovery(void *session);
/// Sends RFC 3414's engine ID discovery request (an empty noAuthNoPriv GET) without waiting
/// for the answer; the Report that answers it sets the session's security engine ID.
/// Returns the request ID, or 0 on failure.
int ipmigod_session_send_discovery(void *session);
/// Once the engine ID is known: the USM entry for (that engine, user), from the session's keys.
int ipmigod_session_create_user(void *session);

/// Sends `pdu`; returns its request ID, or 0 on failure (the PDU is freed either way).
int ipmigod_session_send(void *session, netsnmp_pdu *pdu);

/// The session's socket, for poll().
int ipmigod_session_fd(void *session);
/// Reads what is waiting on the session's socket (callbacks run from here).
void ipmigod_session_read(void *session);
/// Expires outstanding requests whose timeout has passed (callbacks run from here).
void ipmigod_session_timeout(void *session);
void ipmigod_session_close(void *session);

/// The last error of a session, for the log (static storage: copy it).
const char *ipmigod_session_error(void *session);

#endif
