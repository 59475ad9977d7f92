package io.gale.core;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

/**
 * Who a scheduler (or worker) process is: a UUID of its own, the host name it shows, the boot
 * of the machine it runs on, its pid and when that process started. Host names prove nothing
 * (two machines may share one); a process is known to be gone only when it ran on this very
 * machine boot and no process with its pid and start time is alive.
 *
 * @param machineId the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}), or null when unknown
 * @param started   when the process started, to the second (a reused pid starts later)
 */
public record ProcessIdentity(UUID uuid, String hostname, String machineId, long pid, Instant started) {

    /** This process, with a new UUID. */
    public static ProcessIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(UUID.randomUUID(), localHostname(), bootId(), self.pid(),
                self.info().startInstant().map(t -> t.truncatedTo(ChronoUnit.SECONDS)).orElse(null));
    }

    /**
     * True when the process is certainly gone: it ran on this machine boot, and no live process
     * has its pid and start time. False when it is alive or when that cannot be known from here.
     */
    public boolean goneFromThisMachine() {
        String here = bootId();
        if (machineId == null || here == null || !machineId.equals(here)) {
            return false;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid);
        if (p.isEmpty() || !p.get().isAlive()) {
            return true;
        }
        Optional<Instant> start = p.get().info().startInstant().map(t -> t.truncatedTo(ChronoUnit.SECONDS));
        return started != null && start.isPresent() && !start.get().equals(started);
    }

    /** True when the process ran on this machine boot (it may be alive or gone). */
    public boolean onThisMachine() {
        return machineId != null && machineId.equals(bootId());
    }

    private static String bootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String localHostname() {
        String env = System.getenv("HOSTNAME");
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return env != null && !env.isBlank() ? env : "unknown-host";
        }
    }
}
