package io.gale.web.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.gale.core.BadRequestException;
import io.gale.core.ConflictException;
import io.gale.core.NotFoundException;
import io.gale.core.Role;
import io.gale.store.Store;
import io.gale.store.UserRepository.User;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Users of the web server and REST API: created, listed, deleted, and checked at login (bcrypt). */
public final class Users {

    /** bcrypt's cost: about 0.14 s per hash on these machines. */
    static final int COST = 10;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.@-]{1,64}");
    /** A hash of a random password, checked when the user does not exist, so that both take as long. */
    private static final String DUMMY_HASH = BCrypt.withDefaults().hashToString(COST, "not-a-password".toCharArray());

    private final Store store;
    private final Clock clock;

    public Users(Store store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Creates a user; a {@link ConflictException} when the name is taken. */
    public User create(String username, String password, Role role) {
        checkName(username);
        checkPassword(password);
        User user = new User(username, hash(password), role, clock.instant());
        if (!store.users().create(user)) {
            throw new ConflictException("user '" + username + "' already exists: pick another name or reset its password");
        }
        return user;
    }

    /** Creates the user if there is none of that name; true when it was created. */
    public boolean createIfAbsent(String username, String password, Role role) {
        checkName(username);
        checkPassword(password);
        return store.users().create(new User(username, hash(password), role, clock.instant()));
    }

    public List<User> list() {
        return store.users().list();
    }

    public Optional<User> find(String username) {
        return store.users().find(username);
    }

    public void delete(String username) {
        if (!store.users().delete(username)) {
            throw notFound(username);
        }
    }

    public void resetPassword(String username, String password) {
        checkPassword(password);
        if (!store.users().setPasswordHash(username, hash(password))) {
            throw notFound(username);
        }
    }

    /** The user when the password is right; empty otherwise (an unknown user takes as long). */
    public Optional<User> authenticate(String username, String password) {
        if (username == null || password == null) {
            return Optional.empty();
        }
        Optional<User> user = store.users().find(username);
        String hash = user.map(User::passwordHash).orElse(DUMMY_HASH);
        boolean ok = BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8), hash.getBytes(StandardCharsets.UTF_8)).verified;
        return ok ? user : Optional.empty();
    }

    /** A random password of 20 letters and digits. */
    public static String randomPassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    private static void checkName(String username) {
        if (username == null || !NAME.matcher(username).matches()) {
            throw new BadRequestException("user name must be 1 to 64 letters, digits or _ . @ -");
        }
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < 8 || password.getBytes(StandardCharsets.UTF_8).length > 72) {
            throw new BadRequestException("a password must have at least 8 characters and at most 72 bytes (bcrypt's limit)");
        }
    }

    private static NotFoundException notFound(String username) {
        return new NotFoundException("user '" + username + "' not found: run 'gale users list'");
    }
}
