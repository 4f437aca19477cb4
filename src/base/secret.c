#include "base/secret.h"

#include <sodium.h>
#include <string.h>

int secret_init(void) { return sodium_init() < 0 ? -1 : 0; }

int secret_password_hash(const char *password, char out[SECRET_HASH_MAX])
{
    _Static_assert(SECRET_HASH_MAX >= crypto_pwhash_STRBYTES, "hash buffer too small");
    return crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13);
}

bool secret_password_verify(const char *hash, const char *password)
{
    return hash && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void secret_token_new(char text[SECRET_TOKEN_LEN + 1], uint8_t hash[32])
{
    uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2base64(text, SECRET_TOKEN_LEN + 1, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(raw, sizeof raw);
    secret_token_hash(text, hash);
}

void secret_token_hash(const char *text, uint8_t hash[32])
{
    crypto_hash_sha256(hash, (const unsigned char *)text, strlen(text));
}
