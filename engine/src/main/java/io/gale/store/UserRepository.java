package io.gale.store;

import io.gale.core.Role;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Users of the web server and REST API (password hashes only, never passwords) and the keys
 * that sign their tokens.
 */
public interface UserRepository {

    /** A user; {@code passwordHash} is a bcrypt hash. */
    record User(String username, String passwordHash, Role role, Instant createdAt) {

        @Override
        public String toString() {
            return "User[username=" + username + ", role=" + role.id() + "]";
        }
    }

    /** A key that signs tokens: the newest one signs, every stored one verifies. */
    record SigningKey(String keyId, byte[] secret, Instant createdAt) {

        @Override
        public String toString() {
            return "SigningKey[keyId=" + keyId + "]";
        }
    }

    /** Creates a user; false when the name is taken. */
    boolean create(User user);

    Optional<User> find(String username);

    /** Every user, by name. */
    List<User> list();

    boolean delete(String username);

    /** Replaces a user's password hash; false when there is no such user. */
    boolean setPasswordHash(String username, String passwordHash);

    /** Stores a new signing key. */
    void addKey(SigningKey key);

    /** Signing keys, newest first. */
    List<SigningKey> keys();

    /** Deletes every key but the newest {@code keep}; returns how many were deleted. */
    int retireKeys(int keep);
}
