/* Passwords and session tokens (libsodium). Passwords are hashed with
 * argon2id; tokens are 256 random bits shown once to the client as base64url
 * and stored only as their SHA-256. Call secret_init() once at start. */
#ifndef FY_BASE_SECRET_H
#define FY_BASE_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SECRET_HASH_MAX 128 /* >= crypto_pwhash_STRBYTES */
#define SECRET_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */

int secret_init(void);
/* 0 on success; -1 when memory for argon2id could not be had. */
int secret_password_hash(const char *password, char out[SECRET_HASH_MAX]);
bool secret_password_verify(const char *hash, const char *password);
/* A new token (NUL-terminated text) and its SHA-256. */
void secret_token_new(char text[SECRET_TOKEN_LEN + 1], uint8_t hash[32]);
/* The SHA-256 of a token's text. */
void secret_token_hash(const char *text, uint8_t hash[32]);

#endif
