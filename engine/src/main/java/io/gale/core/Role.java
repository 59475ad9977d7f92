package io.gale.core;

import java.util.Locale;

/**
 * What a user of the web server and REST API may do: a {@code viewer} reads everything but
 * connection secrets; an {@code op} also pauses, triggers, clears and promotes; an
 * {@code admin} also manages users, variables and connections.
 */
public enum Role {
    VIEWER, OP, ADMIN;

    /** Whether this role includes everything {@code other} may do. */
    public boolean atLeast(Role other) {
        return compareTo(other) >= 0;
    }

    /** The lowercase name stored in the database and shown to users. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role named {@code id}, or a {@link BadRequestException} listing the roles. */
    public static Role of(String id) {
        for (Role r : values()) {
            if (r.id().equals(id == null ? "" : id.toLowerCase(Locale.ROOT))) {
                return r;
            }
        }
        throw new BadRequestException("unknown role '" + id + "': use admin, op or viewer");
    }
}
