package io.gale.executor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Ends the processes left of a process group that a lost try started (Linux, {@code /proc}):
 * what a scheduler does on the same machine before it retries the try.
 */
public final class ProcessGroups {

    private ProcessGroups() {
    }

    /**
     * Sends SIGKILL to every live process of group {@code id} until none is left or {@code timeout}
     * passes; returns the pids still alive (empty when the group is gone). Keeps an interrupt for
     * the caller without cutting the wait short.
     */
    public static List<Long> end(long id, Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            long pause = 1;
            while (true) {
                List<Long> alive = killMembers(id);
                if (alive.isEmpty() || System.nanoTime() > deadline) {
                    return alive;
                }
                try {
                    Thread.sleep(pause); // no event exists for the exit of a process that is not our child
                } catch (InterruptedException e) {
                    interrupted = true;
                }
                pause = Math.min(pause * 2, 50);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<Long> killMembers(long id) {
        List<Long> alive = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : procs) {
                if (inGroupAndRunning(dir, id)) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    // the handle, then the group again: a pid reused in between is not in the group
                    ProcessHandle.of(pid).filter(h -> inGroupAndRunning(dir, id)).ifPresent(h -> {
                        h.destroyForcibly();
                        alive.add(pid);
                    });
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list /proc to end process group " + id, e);
        }
        return alive;
    }

    /** Whether /proc/PID/stat names group {@code id} and a state other than zombie or dead. */
    private static boolean inGroupAndRunning(Path dir, long id) {
        String stat;
        try {
            stat = Files.readString(dir.resolve("stat"));
        } catch (IOException e) {
            return false; // the process went away while we read it
        }
        // pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        char state = fields[0].charAt(0);
        return Long.parseLong(fields[2]) == id && state != 'Z' && state != 'X';
    }
}
