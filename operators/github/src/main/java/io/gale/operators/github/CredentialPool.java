package io.gale.operators.github;

import io.gale.api.TaskLog;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The credentials of a crawl and what each may still spend: GitHub's primary limit per credential
 * and resource ({@code core}, {@code search}) from the {@code x-ratelimit-*} headers, a secondary
 * limit block, and a bound on requests in flight. {@link #acquire} hands out the credential with
 * the most budget left, or waits (through the {@link Sleeper}) until one has some, logging until when.
 */
final class CredentialPool {

    /** One credential's state. */
    private static final class State {
        final Credential credential;
        final Map<String, Budget> budgets = new HashMap<>();
        int inFlight;
        Instant blockedUntil = Instant.MIN;
        int secondaryStrikes;

        State(Credential credential) {
            this.credential = credential;
        }
    }

    /** What the last response said of a resource's budget; {@code remaining} counts down with requests sent since. */
    private static final class Budget {
        long remaining;
        Instant reset;

        Budget(long remaining, Instant reset) {
            this.remaining = remaining;
            this.reset = reset;
        }
    }

    /** A credential handed out for one request; give it back with {@link #release}. */
    record Lease(Credential credential, String resource) {
    }

    private final List<State> states = new ArrayList<>();
    private final int concurrency;
    private final Clock clock;
    private final Sleeper sleeper;
    private final TaskLog log;
    private final CrawlReport report;
    private Instant lastAnnounced;

    CredentialPool(List<Credential> credentials, int concurrency, Clock clock, Sleeper sleeper, TaskLog log, CrawlReport report) {
        if (credentials.isEmpty()) {
            throw new IllegalArgumentException("no credential (use Credential.anonymous() for unauthenticated requests)");
        }
        credentials.forEach(c -> states.add(new State(c)));
        this.concurrency = concurrency;
        this.clock = clock;
        this.sleeper = sleeper;
        this.log = log;
        this.report = report;
    }

    int size() {
        return states.size();
    }

    List<Credential> credentials() {
        return states.stream().map(s -> s.credential).toList();
    }

    /** A credential that may send a request for {@code resource} now, waiting as long as none may. */
    Lease acquire(String resource) throws InterruptedException {
        while (true) {
            Instant until;
            CrawlReport.WaitReason reason;
            synchronized (this) {
                Instant now = clock.instant();
                State best = null;
                long bestLeft = -1;
                boolean busy = false;
                until = null;
                reason = null;
                for (State s : states) {
                    if (s.inFlight >= concurrency) {
                        busy = true;
                        continue;
                    }
                    if (now.isBefore(s.blockedUntil)) {
                        if (until == null || s.blockedUntil.isBefore(until)) {
                            until = s.blockedUntil;
                            reason = CrawlReport.WaitReason.SECONDARY_LIMIT;
                        }
                        continue;
                    }
                    Budget b = s.budgets.get(resource);
                    long left = b == null || !now.isBefore(b.reset) ? Long.MAX_VALUE : b.remaining;
                    if (left <= 0) {
                        if (until == null || b.reset.isBefore(until)) {
                            until = b.reset;
                            reason = CrawlReport.WaitReason.PRIMARY_LIMIT;
                        }
                        continue;
                    }
                    if (left > bestLeft) {
                        best = s;
                        bestLeft = left;
                    }
                }
                if (best != null) {
                    best.inFlight++;
                    Budget b = best.budgets.get(resource);
                    if (b != null && now.isBefore(b.reset)) {
                        b.remaining--;
                    }
                    return new Lease(best.credential, resource);
                }
                if (busy) {
                    wait(); // a request in flight ends and releases its credential
                    continue;
                }
                if (!until.equals(lastAnnounced)) {
                    lastAnnounced = until;
                    Duration d = Duration.between(now, until);
                    report.waited(reason, d);
                    log.info("rate limit ({}): all {} credential(s) spent for '{}', waiting until {} ({} s)",
                            reason == CrawlReport.WaitReason.PRIMARY_LIMIT ? "x-ratelimit-remaining 0" : "secondary limit",
                            states.size(), resource, until, Math.max(0, d.toSeconds()));
                }
            }
            sleeper.sleepUntil(until);
        }
    }

    /**
     * Gives a lease back with what the response said: {@code remaining}/{@code reset} (null when the
     * headers were missing) for the resource the response names.
     */
    synchronized void release(Lease lease, String resource, Long remaining, Instant reset) {
        State s = state(lease.credential());
        s.inFlight--;
        if (remaining != null && reset != null) {
            String r = resource == null ? lease.resource() : resource;
            // requests still in flight on this credential are not in the server's count yet
            long left = Math.max(0, remaining - s.inFlight);
            Budget b = s.budgets.get(r);
            if (b == null || !b.reset.equals(reset) || left < b.remaining) {
                s.budgets.put(r, new Budget(left, reset));
            } else {
                b.remaining = Math.min(b.remaining, left);
            }
        }
        notifyAll();
    }

    /** The credential answered with a secondary limit: blocks it for {@code wait}, or for a minute doubling per repeat. */
    synchronized Duration blockSecondary(Credential credential, Duration retryAfter, Duration minimum, Duration cap) {
        State s = state(credential);
        s.secondaryStrikes++;
        Duration wait = retryAfter != null ? retryAfter
                : minimum.multipliedBy(1L << Math.min(10, s.secondaryStrikes - 1));
        if (wait.compareTo(cap) > 0) {
            log.warn("secondary rate limit on {}: a wait of {} s is more than the cap of {} s; waiting {} s",
                    credential.name(), wait.toSeconds(), cap.toSeconds(), cap.toSeconds());
            wait = cap;
        }
        Instant until = clock.instant().plus(wait);
        if (until.isAfter(s.blockedUntil)) {
            s.blockedUntil = until;
        }
        log.info("secondary rate limit on {}: pausing it until {} ({} s)", credential.name(), until, wait.toSeconds());
        notifyAll();
        return wait;
    }

    /** A response that was not a limit: the credential's secondary back-off starts again at its minimum. */
    synchronized void succeeded(Credential credential) {
        state(credential).secondaryStrikes = 0;
    }

    /** The primary budget of the resource is spent until {@code reset} (a 403/429 with remaining 0). */
    synchronized void exhausted(Credential credential, String resource, Instant reset) {
        state(credential).budgets.put(resource, new Budget(0, reset));
        notifyAll();
    }

    private State state(Credential c) {
        for (State s : states) {
            if (s.credential == c) {
                return s;
            }
        }
        throw new IllegalStateException("unknown credential " + c.name());
    }
}
