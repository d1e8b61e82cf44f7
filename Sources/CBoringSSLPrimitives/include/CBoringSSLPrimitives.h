// BoringSSL's HMAC, AES and random bytes, as swift-crypto links them into every binary that uses Crypto.
//
// swift-crypto keeps its BoringSSL copy behind its Swift API and exports no C module. Through
// that API the packet path paid a hash context allocation per HMAC and an AES key schedule per
// block; Swift's own random generator costs a getrandom(2) system call per eight bytes. The few
// declarations below are BoringSSL's own (hmac.h, digest.h, aes.h, rand.h), under the
// CCryptoBoringSSL_ prefix swift-crypto gives every symbol of its copy; should that ever
// change, the link fails rather than anything running differently.
#ifndef IPMIGOD_CBORINGSSLPRIMITIVES_H
#define IPMIGOD_CBORINGSSLPRIMITIVES_H

#include <stddef.h>
#include <stdint.h>

typedef struct env_md_st EVP_MD;
typedef struct hmac_ctx_st HMAC_CTX;

const EVP_MD *CCryptoBoringSSL_EVP_md5(void);
const EVP_MD *CCryptoBoringSSL_EVP_sha1(void);
const EVP_MD *CCryptoBoringSSL_EVP_sha256(void);

HMAC_CTX *CCryptoBoringSSL_HMAC_CTX_new(void);
void CCryptoBoringSSL_HMAC_CTX_free(HMAC_CTX *ctx);
int CCryptoBoringSSL_HMAC_Init_ex(HMAC_CTX *ctx, const void *key, size_t key_len, const EVP_MD *md, void *impl);
int CCryptoBoringSSL_HMAC_Update(HMAC_CTX *ctx, const uint8_t *data, size_t data_len);
int CCryptoBoringSSL_HMAC_Final(HMAC_CTX *ctx, uint8_t *out, unsigned int *out_len);
uint8_t *CCryptoBoringSSL_HMAC(const EVP_MD *evp_md, const void *key, size_t key_len, const uint8_t *data,
                               size_t data_len, uint8_t *out, unsigned int *out_len);

// aes.h's key schedule, whose layout is part of BoringSSL's (and OpenSSL's) public API.
typedef struct aes_key_st {
    uint32_t rd_key[4 * (14 + 1)];
    unsigned rounds;
} AES_KEY;

int CCryptoBoringSSL_AES_set_encrypt_key(const uint8_t *key, unsigned bits, AES_KEY *aeskey);
int CCryptoBoringSSL_AES_set_decrypt_key(const uint8_t *key, unsigned bits, AES_KEY *aeskey);
void CCryptoBoringSSL_AES_encrypt(const uint8_t *in, uint8_t *out, const AES_KEY *key);
void CCryptoBoringSSL_AES_cbc_encrypt(const uint8_t *in, uint8_t *out, size_t len, const AES_KEY *key,
                                      uint8_t *ivec, const int enc);

// rand.h: bytes from BoringSSL's CTR-DRBG, seeded from the kernel and reseeded after a fork
// (MADV_WIPEONFORK); no system call per request. Always returns 1 (it aborts rather than fail).
int CCryptoBoringSSL_RAND_bytes(uint8_t *buf, size_t len);

// The largest HMAC this module computes (SHA-256's).
#define IPMIGOD_HMAC_MAX_LENGTH 32

// Keys `ctx` for `md` (once); the key pads are hashed here and kept. Returns 1, or 0 when
// BoringSSL could not allocate.
int ipmigod_hmac_set_key(HMAC_CTX *ctx, const EVP_MD *md, const uint8_t *key, size_t key_len);

// The HMAC of `message` under the key `ctx` holds, into `out` (IPMIGOD_HMAC_MAX_LENGTH
// bytes); returns its length, or 0 on failure.
unsigned int ipmigod_hmac_code(HMAC_CTX *ctx, const uint8_t *message, size_t length, uint8_t *out);

#endif
