package io.gale.web.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Limits failed logins: at most {@link #MAX_PER_USER} failures per user name and address, and
 * {@link #MAX_PER_ADDRESS} per address (whatever the names tried), within {@link #WINDOW}. A
 * login while over a limit is refused before the password is checked.
 */
public final class LoginLimiter {

    static final int MAX_PER_USER = 5;
    static final int MAX_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(5);
    private static final int MAX_KEYS = 100_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public LoginLimiter(Clock clock) {
        this.clock = clock;
    }

    /** How long the caller must wait before trying again, or empty when a login may be tried now. */
    public Optional<Duration> blockedFor(String username, String address) {
        Instant now = clock.instant();
        Optional<Duration> user = wait(userKey(username, address), MAX_PER_USER, now);
        return user.isPresent() ? user : wait(addressKey(address), MAX_PER_ADDRESS, now);
    }

    /** Records a failed login. */
    public void failed(String username, String address) {
        if (failures.size() > MAX_KEYS) {
            failures.clear(); // bounded memory under a flood of names; the window restarts
        }
        Instant now = clock.instant();
        for (String key : new String[] {userKey(username, address), addressKey(address)}) {
            Deque<Instant> q = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
            synchronized (q) {
                q.addLast(now);
                while (q.size() > MAX_PER_ADDRESS) {
                    q.removeFirst();
                }
            }
        }
    }

    /** Forgets the failures of a user at an address after a successful login. */
    public void succeeded(String username, String address) {
        failures.remove(userKey(username, address));
    }

    private Optional<Duration> wait(String key, int max, Instant now) {
        Deque<Instant> q = failures.get(key);
        if (q == null) {
            return Optional.empty();
        }
        synchronized (q) {
            while (!q.isEmpty() && !q.peekFirst().plus(WINDOW).isAfter(now)) {
                q.removeFirst();
            }
            if (q.size() < max) {
                return Optional.empty();
            }
            Instant oldestCounted = q.stream().skip(q.size() - max).findFirst().orElse(now);
            return Optional.of(Duration.between(now, oldestCounted.plus(WINDOW)));
        }
    }

    private static String userKey(String username, String address) {
        return "u\u0000" + username + "\u0000" + address;
    }

    private static String addressKey(String address) {
        return "a\u0000" + address;
    }
}
