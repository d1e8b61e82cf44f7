#include "CBoringSSLPrimitives.h"

int ipmigod_hmac_set_key(HMAC_CTX *ctx, const EVP_MD *md, const uint8_t *key, size_t key_len) {
    // A NULL key would mean "the previous key" to HMAC_Init_ex, not the empty one.
    static const uint8_t empty = 0;
    return CCryptoBoringSSL_HMAC_Init_ex(ctx, key_len ? (const void *)key : (const void *)&empty, key_len, md, NULL);
}

unsigned int ipmigod_hmac_code(HMAC_CTX *ctx, const uint8_t *message, size_t length, uint8_t *out) {
    unsigned int written = 0;
    // With a NULL key and hash, HMAC_Init_ex rewinds to the state after the inner key pad:
    // no pad is hashed again and nothing is allocated.
    if (!CCryptoBoringSSL_HMAC_Init_ex(ctx, NULL, 0, NULL, NULL)) return 0;
    static const uint8_t empty = 0;
    CCryptoBoringSSL_HMAC_Update(ctx, length ? message : &empty, length);
    if (!CCryptoBoringSSL_HMAC_Final(ctx, out, &written)) return 0;
    return written;
}
