#include "CNetSNMP.h"
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <stdio.h>

// net-snmp is loaded with dlopen when the sender starts (the first alert), not linked: mapped
// at start-up, it and the OpenSSL libraries it needs were 1.9 MiB of a daemon that may
// never alert (docs/benchmarks.md). Its functions and OIDs are reached through this table,
// typed from net-snmp's own declarations.
#define IPMIGOD_NETSNMP_SYMBOLS(X) \
    X(netsnmp_ds_set_boolean) X(netsnmp_ds_set_string) X(init_snmp) X(snmp_sess_init) \
    X(snmp_sess_open) X(snmp_duplicate_objid) X(snmp_pdu_add_variable) X(snmp_sess_send) \
    X(snmp_free_pdu) X(snmp_sess_session) X(usm_get_user) X(usm_add_user) X(snmp_pdu_create) \
    X(usm_create_user_from_session) X(snmp_sess_transport) X(snmp_sess_read) X(snmp_sess_timeout) \
    X(snmp_sess_close) X(snmp_sess_error) X(set_enginetime) X(generate_Ku) X(generate_kul) \
    X(usmHMACSHA1AuthProtocol) X(usmAESPrivProtocol) X(usmNoAuthProtocol) X(usmNoPrivProtocol)

static struct {
#define IPMIGOD_FIELD(name) __typeof__(&name) name;
    IPMIGOD_NETSNMP_SYMBOLS(IPMIGOD_FIELD)
#undef IPMIGOD_FIELD
} netsnmp;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int loaded = 0;
// Why it could not be loaded, for the daemon's log (ipmigod_snmp_load_error).
static char load_error[256] = "";

static void load(void) {
    // The soname Debian 12's libsnmp40 ships; the unversioned name where only -dev's link is.
    void *library = dlopen("libnetsnmp.so.40", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        library = dlopen("libnetsnmp.so", RTLD_NOW | RTLD_LOCAL);
    }
    if (library == NULL) {
        snprintf(load_error, sizeof load_error, "%s", dlerror());
        return;
    }
#define IPMIGOD_LOOKUP(name) \
    if ((netsnmp.name = (__typeof__(netsnmp.name))dlsym(library, #name)) == NULL) { \
        snprintf(load_error, sizeof load_error, "net-snmp has no %s", #name); \
        return; \
    }
    IPMIGOD_NETSNMP_SYMBOLS(IPMIGOD_LOOKUP)
#undef IPMIGOD_LOOKUP
    loaded = 1;
}

int ipmigod_snmp_load(void) {
    pthread_once(&load_once, load);
    return loaded;
}

const char *ipmigod_snmp_load_error(void) {
    return load_error;
}

static char *persistent_dir_setting = NULL;

void ipmigod_snmp_isolate(const char *persistent_dir) {
    setenv("MIBS", "", 1);
    setenv("MIBDIRS", "", 1);
    free(persistent_dir_setting);
    persistent_dir_setting = persistent_dir != NULL ? strdup(persistent_dir) : NULL;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static const char *init_name = "ipmigod";

static void run_init(void) {
    if (!ipmigod_snmp_load()) {
        return;
    }
    // What ipmigod_snmp_isolate asked for, before init_snmp reads anything.
    netsnmp.netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp.netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp.netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    if (persistent_dir_setting != NULL) {
        netsnmp.netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persistent_dir_setting);
    }
    netsnmp.init_snmp(init_name);
}

void ipmigod_snmp_init(const char *app_name) {
    if (app_name != NULL) {
        init_name = strdup(app_name);
    }
    pthread_once(&init_once, run_init);
}

const char *ipmigod_snmp_version(void) {
    // The version built against: asking the library would load it at start-up.
    return PACKAGE_VERSION;
}

netsnmp_pdu *ipmigod_pdu_create(int command) {
    return ipmigod_snmp_load() ? netsnmp.snmp_pdu_create(command) : NULL;
}

void ipmigod_pdu_free(netsnmp_pdu *pdu) {
    if (pdu != NULL && ipmigod_snmp_load()) {
        netsnmp.snmp_free_pdu(pdu);
    }
}

netsnmp_session *ipmigod_session_state(void *session) {
    return ipmigod_snmp_load() ? netsnmp.snmp_sess_session(session) : NULL;
}

struct usmUser *ipmigod_usm_get_user(const uint8_t *engine_id, size_t engine_id_length, const char *name) {
    return ipmigod_snmp_load() ? netsnmp.usm_get_user((u_char *)engine_id, engine_id_length, (char *)name) : NULL;
}

int ipmigod_generate_ku(const uint8_t *passphrase, size_t length, uint8_t *ku, size_t *ku_length) {
    if (!ipmigod_snmp_load()) {
        return SNMPERR_GENERR;
    }
    return netsnmp.generate_Ku(*netsnmp.usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol),
                               passphrase, length, ku, ku_length);
}

int ipmigod_generate_kul(const uint8_t *engine_id, size_t engine_id_length, const uint8_t *ku, size_t ku_length,
                         uint8_t *kul, size_t *kul_length) {
    if (!ipmigod_snmp_load()) {
        return SNMPERR_GENERR;
    }
    return netsnmp.generate_kul(*netsnmp.usmHMACSHA1AuthProtocol, OID_LENGTH(usmHMACSHA1AuthProtocol),
                                (u_char *)engine_id, engine_id_length, (u_char *)ku, ku_length, kul, kul_length);
}

static void base_session(netsnmp_session *session, const char *peer, long version, long timeout_us,
                         netsnmp_callback callback, void *magic) {
    netsnmp.snmp_sess_init(session);
    session->peername = (char *)peer;  // snmp_sess_open copies it
    session->version = version;
    session->retries = 0;
    session->timeout = timeout_us;
    session->callback = callback;
    session->callback_magic = magic;
}

void *ipmigod_session_open_community(const char *peer, long version, const char *community,
                                     long timeout_us, netsnmp_callback callback, void *magic) {
    if (!ipmigod_snmp_load()) {
        return NULL;
    }
    netsnmp_session session;
    base_session(&session, peer, version, timeout_us, callback, magic);
    session.community = (u_char *)community;  // copied by snmp_sess_open
    session.community_len = strlen(community);
    return netsnmp.snmp_sess_open(&session);
}

void *ipmigod_session_open_v3(const char *peer, const char *user,
                              const uint8_t *auth_ku, size_t auth_ku_length,
                              const uint8_t *priv_ku, size_t priv_ku_length,
                              const uint8_t *engine_id, size_t engine_id_length,
                              long timeout_us, netsnmp_callback callback, void *magic) {
    if (!ipmigod_snmp_load() || auth_ku_length > USM_AUTH_KU_LEN || priv_ku_length > USM_PRIV_KU_LEN) {
        return NULL;
    }
    netsnmp_session session;
    base_session(&session, peer, SNMP_VERSION_3, timeout_us, callback, magic);
    session.securityName = (char *)user;
    session.securityNameLen = strlen(user);
    session.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    session.securityAuthProto = *netsnmp.usmHMACSHA1AuthProtocol;
    session.securityAuthProtoLen = OID_LENGTH(usmHMACSHA1AuthProtocol);
    memcpy(session.securityAuthKey, auth_ku, auth_ku_length);
    session.securityAuthKeyLen = auth_ku_length;
    session.securityPrivProto = *netsnmp.usmAESPrivProtocol;
    session.securityPrivProtoLen = OID_LENGTH(usmAESPrivProtocol);
    memcpy(session.securityPrivKey, priv_ku, priv_ku_length);
    session.securityPrivKeyLen = priv_ku_length;
    if (engine_id_length > 0) {
        session.securityEngineID = (u_char *)engine_id;
        session.securityEngineIDLen = engine_id_length;
        session.contextEngineID = (u_char *)engine_id;
        session.contextEngineIDLen = engine_id_length;
    } else {
        // An INFORM: the receiver's engine ID is discovered by the INFORM itself (its report,
        // then net-snmp's resend), not by the blocking probe snmp_sess_open would run: a
        // receiver that is down must neither hold up the sender thread nor lose the alert.
        session.flags |= SNMP_FLAGS_DONT_PROBE;
    }
    return netsnmp.snmp_sess_open(&session);
}

void ipmigod_pdu_set_v1_trap(netsnmp_pdu *pdu, const oid *enterprise, size_t enterprise_length,
                             const uint8_t agent_address[4], long specific_trap, unsigned long uptime) {
    pdu->enterprise = netsnmp.snmp_duplicate_objid(enterprise, enterprise_length);
    pdu->enterprise_length = enterprise_length;
    memcpy(pdu->agent_addr, agent_address, 4);
    pdu->trap_type = SNMP_TRAP_ENTERPRISESPECIFIC;
    pdu->specific_type = specific_trap;
    pdu->time = uptime;
}

int ipmigod_pdu_add_octets(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                           const uint8_t *bytes, size_t length) {
    return netsnmp.snmp_pdu_add_variable(pdu, name, name_length, ASN_OCTET_STR, bytes, length) != NULL;
}

int ipmigod_pdu_add_oid(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                        const oid *value, size_t value_length) {
    return netsnmp.snmp_pdu_add_variable(pdu, name, name_length, ASN_OBJECT_ID, value, value_length * sizeof(oid)) != NULL;
}

int ipmigod_pdu_add_timeticks(netsnmp_pdu *pdu, const oid *name, size_t name_length, unsigned long ticks) {
    u_long value = ticks;
    return netsnmp.snmp_pdu_add_variable(pdu, name, name_length, ASN_TIMETICKS, &value, sizeof(value)) != NULL;
}

int ipmigod_pdu_is_success_response(const netsnmp_pdu *pdu) {
    return pdu != NULL && pdu->command == SNMP_MSG_RESPONSE && pdu->errstat == SNMP_ERR_NOERROR;
}

int ipmigod_session_send(void *session, netsnmp_pdu *pdu) {
    int reqid = pdu->reqid;
    if (netsnmp.snmp_sess_send(session, pdu) == 0) {
        netsnmp.snmp_free_pdu(pdu);
        return 0;
    }
    return reqid != 0 ? reqid : 1;
}

void ipmigod_session_defer_discovery(void *session) {
    netsnmp_session *state = netsnmp.snmp_sess_session(session);
    if (state != NULL) {
        state->flags |= SNMP_FLAGS_DONT_PROBE;
    }
}

int ipmigod_session_send_discovery(void *session) {
    // The request goes out as the empty user with no authentication, which the USM table
    // must hold (net-snmp's own probe adds it the same way).
    if (netsnmp.usm_get_user(NULL, 0, "") == NULL) {
        struct usmUser *user = calloc(1, sizeof(struct usmUser));
        if (user == NULL) {
            return 0;
        }
        user->name = strdup("");
        user->secName = strdup("");
        user->authProtocolLen = OID_LENGTH(usmNoAuthProtocol);
        user->authProtocol = netsnmp.snmp_duplicate_objid(*netsnmp.usmNoAuthProtocol, user->authProtocolLen);
        user->privProtocolLen = OID_LENGTH(usmNoPrivProtocol);
        user->privProtocol = netsnmp.snmp_duplicate_objid(*netsnmp.usmNoPrivProtocol, user->privProtocolLen);
        netsnmp.usm_add_user(user);
    }
    netsnmp_pdu *pdu = netsnmp.snmp_pdu_create(SNMP_MSG_GET);
    if (pdu == NULL) {
        return 0;
    }
    pdu->version = SNMP_VERSION_3;
    pdu->securityName = strdup("");
    pdu->securityNameLen = 0;
    pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
    pdu->securityModel = SNMP_SEC_MODEL_USM;
    return ipmigod_session_send(session, pdu);
}

int ipmigod_session_create_user(void *session) {
    netsnmp_session *state = netsnmp.snmp_sess_session(session);
    return state != NULL && netsnmp.usm_create_user_from_session(state) == SNMPERR_SUCCESS;
}

int ipmigod_session_fd(void *session) {
    netsnmp_transport *transport = netsnmp.snmp_sess_transport(session);
    return transport != NULL ? transport->sock : -1;
}

void ipmigod_session_read(void *session) {
    int fd = ipmigod_session_fd(session);
    if (fd < 0 || fd >= FD_SETSIZE) {
        return;
    }
    fd_set set;
    FD_ZERO(&set);
    FD_SET(fd, &set);
    netsnmp.snmp_sess_read(session, &set);
}

void ipmigod_session_timeout(void *session) {
    netsnmp.snmp_sess_timeout(session);
}

void ipmigod_session_close(void *session) {
    netsnmp.snmp_sess_close(session);
}

const char *ipmigod_session_error(void *session) {
    int clib = 0, snmp = 0;
    char *text = NULL;
    static __thread char buffer[256];
    netsnmp.snmp_sess_error(session, &clib, &snmp, &text);
    snprintf(buffer, sizeof buffer, "%s", text != NULL ? text : "unknown error");
    free(text);
    return buffer;
}

void ipmigod_snmp_set_engine_boots(const uint8_t *engine_id, size_t engine_id_length, uint32_t boots,
                                   uint32_t engine_time) {
    // Authenticated: later unauthenticated updates (a USM user being created for the engine)
    // must not reset it. The time goes on from here, in net-snmp's own engine clock.
    if (!ipmigod_snmp_load()) {
        return;
    }
    netsnmp.set_enginetime(engine_id, (u_int)engine_id_length, boots, engine_time, TRUE);
}

void ipmigod_set_client_address(const char *address) {
    // netsnmp_ds_set_string copies the string (NULL clears it).
    if (ipmigod_snmp_load()) {
        netsnmp.netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_CLIENT_ADDR, address);
    }
}
