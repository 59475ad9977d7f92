package io.gale.web.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.gale.store.Store;
import io.gale.store.UserRepository.SigningKey;
import io.gale.store.UserRepository.User;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * JSON Web Tokens for the REST API: HS256, signed with the newest key stored in the database
 * (made on first use; {@code gale users rotate-key} adds a new one), verified with any stored
 * key named by the token's {@code kid}. A token names its user; the user's current role is read
 * at every request, so a deleted user's token stops working at once.
 */
public final class Tokens {

    /** How long a token is valid: Airflow's default {@code jwt_expiration_time}. */
    public static final Duration LIFETIME = Duration.ofHours(24);
    private static final String ISSUER = "gale";

    private final Store store;
    private final Clock clock;
    /** How long a process trusts the keys it read: a rotation or revocation elsewhere applies within this. */
    static final Duration KEY_REFRESH = Duration.ofSeconds(30);

    private final AtomicReference<List<SigningKey>> keys = new AtomicReference<>(List.of());
    private volatile Instant keysReadAt = Instant.MIN;

    public Tokens(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** A signed token for the user. */
    public String issue(User user) {
        SigningKey key = signingKey();
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(user.username()).issuer(ISSUER)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(LIFETIME)))
                .claim("role", user.role().id()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.keyId()).build(), claims);
        try {
            jwt.sign(new MACSigner(key.secret()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /**
     * The user name a valid token names, or empty for a token that is malformed, signed with
     * another key or algorithm, tampered with, expired or not valid yet.
     */
    public Optional<String> verify(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                return Optional.empty();
            }
            Optional<SigningKey> key = key(jwt.getHeader().getKeyID());
            if (key.isEmpty() || !jwt.verify(new MACVerifier(key.get().secret()))) {
                return Optional.empty();
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            Instant now = clock.instant();
            if (claims.getExpirationTime() == null || !now.isBefore(claims.getExpirationTime().toInstant())
                    || claims.getNotBeforeTime() != null && now.plusSeconds(5).isBefore(claims.getNotBeforeTime().toInstant())
                    || !ISSUER.equals(claims.getIssuer()) || claims.getSubject() == null) {
                return Optional.empty();
            }
            return Optional.of(claims.getSubject());
        } catch (ParseException | JOSEException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Adds a new signing key, which signs from now on, and deletes all but the newest two, so
     * tokens signed with the previous key stay valid until they expire. Returns the new key's id.
     */
    public String rotate() {
        SigningKey key = newKey();
        store.transact(tx -> {
            tx.users().addKey(key);
            tx.users().retireKeys(2);
        });
        keys.set(store.users().keys());
        return key.keyId();
    }

    /** Deletes every key but a new one: every token issued so far stops working. Returns the new key's id. */
    public String revokeAll() {
        SigningKey key = newKey();
        store.transact(tx -> {
            tx.users().addKey(key);
            tx.users().retireKeys(1);
        });
        keys.set(store.users().keys());
        return key.keyId();
    }

    private SigningKey signingKey() {
        List<SigningKey> known = store.users().keys();
        if (known.isEmpty()) {
            store.users().addKey(newKey());
            known = store.users().keys();
        }
        keys.set(known);
        keysReadAt = clock.instant();
        return known.get(0);
    }

    private Optional<SigningKey> key(String keyId) {
        if (keyId == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<SigningKey> found = keysReadAt.plus(KEY_REFRESH).isBefore(now) ? Optional.empty()
                : keys.get().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
        if (found.isEmpty()) { // rotated or revoked by another process, not loaded yet, or read long ago
            keys.set(store.users().keys());
            keysReadAt = now;
            found = keys.get().stream().filter(k -> k.keyId().equals(keyId)).findFirst();
        }
        return found;
    }

    private SigningKey newKey() {
        SecureRandom random = new SecureRandom();
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        byte[] id = new byte[8];
        random.nextBytes(id);
        return new SigningKey(HexFormat.of().formatHex(id), secret, clock.instant());
    }
}
