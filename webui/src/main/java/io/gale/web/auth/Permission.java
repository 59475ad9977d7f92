package io.gale.web.auth;

import io.gale.core.Role;
import io.javalin.security.RouteRole;

/**
 * What a route needs, given when it is registered: {@link #PUBLIC} needs nothing, the others a
 * signed-in user with at least a role.
 */
public enum Permission implements RouteRole {
    PUBLIC(null), READ(Role.VIEWER), OPERATE(Role.OP), ADMINISTER(Role.ADMIN);

    private final Role least;

    Permission(Role least) {
        this.least = least;
    }

    /** The least role that has this permission (null for {@link #PUBLIC}). */
    public Role least() {
        return least;
    }

    /** Whether a user with {@code role} has it. */
    public boolean allows(Role role) {
        return least == null || role != null && role.atLeast(least);
    }
}
