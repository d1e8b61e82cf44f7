#include "CNetSNMP.h"
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

void ipmigod_snmp_isolate(const char *persistent_dir) {
    setenv("MIBS", "", 1);
    setenv("MIBDIRS", "", 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    if (persistent_dir != NULL) {
        netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persistent_dir);
    }
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static const char *init_name = "ipmigod";

static void run_init(void) {
    init_snmp(init_name);
}

void ipmigod_snmp_init(const char *app_name) {
    if (app_name != NULL) {
        init_name = strdup(app_name);
    }
    pthread_once(&init_once, run_init);
}

const char *ipmigod_snmp_version(void) {
    return netsnmp_get_version();
}

const oid *ipmigod_usm_hmac_sha1_auth_protocol(size_t *length) {
    *length = OID_LENGTH(usmHMACSHA1AuthProtocol);
    return usmHMACSHA1AuthProtocol;
}

const oid *ipmigod_usm_aes_priv_protocol(size_t *length) {
    *length = OID_LENGTH(usmAESPrivProtocol);
    return usmAESPrivProtocol;
}

static void base_session(netsnmp_session *session, const char *peer, long version, long timeout_us,
                         netsnmp_callback callback, void *magic) {
    snmp_sess_init(session);
    session->peername = (char *)peer;  // snmp_sess_open copies it
    session->version = version;
    session->retries = 0;
    session->timeout = timeout_us;
    session->callback = callback;
    session->callback_magic = magic;
}

void *ipmigod_session_open_community(const char *peer, long version, const char *community,
                                     long timeout_us, netsnmp_callback callback, void *magic) {
    netsnmp_session session;
    base_session(&session, peer, version, timeout_us, callback, magic);
    session.community = (u_char *)community;  // copied by snmp_sess_open
    session.community_len = strlen(community);
    return snmp_sess_open(&session);
}

void *ipmigod_session_open_v3(const char *peer, const char *user,
                              const uint8_t *auth_ku, size_t auth_ku_length,
                              const uint8_t *priv_ku, size_t priv_ku_length,
                              const uint8_t *engine_id, size_t engine_id_length,
                              long timeout_us, netsnmp_callback callback, void *magic) {
    if (auth_ku_length > USM_AUTH_KU_LEN || priv_ku_length > USM_PRIV_KU_LEN) {
        return NULL;
    }
    netsnmp_session session;
    base_session(&session, peer, SNMP_VERSION_3, timeout_us, callback, magic);
    session.securityName = (char *)user;
    session.securityNameLen = strlen(user);
    session.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
    session.securityAuthProto = usmHMACSHA1AuthProtocol;
    session.securityAuthProtoLen = OID_LENGTH(usmHMACSHA1AuthProtocol);
    memcpy(session.securityAuthKey, auth_ku, auth_ku_length);
    session.securityAuthKeyLen = auth_ku_length;
    session.securityPrivProto = usmAESPrivProtocol;
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
    return snmp_sess_open(&session);
}

void ipmigod_pdu_set_v1_trap(netsnmp_pdu *pdu, const oid *enterprise, size_t enterprise_length,
                             const uint8_t agent_address[4], long specific_trap, unsigned long uptime) {
    pdu->enterprise = snmp_duplicate_objid(enterprise, enterprise_length);
    pdu->enterprise_length = enterprise_length;
    memcpy(pdu->agent_addr, agent_address, 4);
    pdu->trap_type = SNMP_TRAP_ENTERPRISESPECIFIC;
    pdu->specific_type = specific_trap;
    pdu->time = uptime;
}

int ipmigod_pdu_add_octets(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                           const uint8_t *bytes, size_t length) {
    return snmp_pdu_add_variable(pdu, name, name_length, ASN_OCTET_STR, bytes, length) != NULL;
}

int ipmigod_pdu_add_oid(netsnmp_pdu *pdu, const oid *name, size_t name_length,
                        const oid *value, size_t value_length) {
    return snmp_pdu_add_variable(pdu, name, name_length, ASN_OBJECT_ID, value, value_length * sizeof(oid)) != NULL;
}

int ipmigod_pdu_add_timeticks(netsnmp_pdu *pdu, const oid *name, size_t name_length, unsigned long ticks) {
    u_long value = ticks;
    return snmp_pdu_add_variable(pdu, name, name_length, ASN_TIMETICKS, &value, sizeof(value)) != NULL;
}

int ipmigod_pdu_is_success_response(const netsnmp_pdu *pdu) {
    return pdu != NULL && pdu->command == SNMP_MSG_RESPONSE && pdu->errstat == SNMP_ERR_NOERROR;
}

int ipmigod_session_send(void *session, netsnmp_pdu *pdu) {
    int reqid = pdu->reqid;
    if (snmp_sess_send(session, pdu) == 0) {
        snmp_free_pdu(pdu);
        return 0;
    }
    return reqid != 0 ? reqid : 1;
}

void ipmigod_session_defer_discovery(void *session) {
    netsnmp_session *state = snmp_sess_session(session);
    if (state != NULL) {
        state->flags |= SNMP_FLAGS_DONT_PROBE;
    }
}

int ipmigod_session_send_discovery(void *session) {
    // The request goes out as the empty user with no authentication, which the USM table
    // must hold (net-snmp's own probe adds it the same way).
    if (usm_get_user(NULL, 0, "") == NULL) {
        struct usmUser *user = calloc(1, sizeof(struct usmUser));
        if (user == NULL) {
            return 0;
        }
        user->name = strdup("");
        user->secName = strdup("");
        user->authProtocolLen = OID_LENGTH(usmNoAuthProtocol);
        user->authProtocol = snmp_duplicate_objid(usmNoAuthProtocol, user->authProtocolLen);
        user->privProtocolLen = OID_LENGTH(usmNoPrivProtocol);
        user->privProtocol = snmp_duplicate_objid(usmNoPrivProtocol, user->privProtocolLen);
        usm_add_user(user);
    }
    netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_GET);
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
    netsnmp_session *state = snmp_sess_session(session);
    return state != NULL && usm_create_user_from_session(state) == SNMPERR_SUCCESS;
}

int ipmigod_session_fd(void *session) {
    netsnmp_transport *transport = snmp_sess_transport(session);
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
    snmp_sess_read(session, &set);
}

void ipmigod_session_timeout(void *session) {
    snmp_sess_timeout(session);
}

void ipmigod_session_close(void *session) {
    snmp_sess_close(session);
}

const char *ipmigod_session_error(void *session) {
    int clib = 0, snmp = 0;
    char *text = NULL;
    static __thread char buffer[256];
    snmp_sess_error(session, &clib, &snmp, &text);
    snprintf(buffer, sizeof buffer, "%s", text != NULL ? text : "unknown error");
    free(text);
    return buffer;
}

void ipmigod_snmp_set_engine_boots(const uint8_t *engine_id, size_t engine_id_length, uint32_t boots) {
    // Authenticated: later unauthenticated updates (a USM user being created for the engine)
    // must not reset it. The time counts from now, in net-snmp's own engine clock.
    set_enginetime(engine_id, (u_int)engine_id_length, boots, 0, TRUE);
}

void ipmigod_set_client_address(const char *address) {
    // netsnmp_ds_set_string copies the string (NULL clears it).
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_CLIENT_ADDR, address);
}
