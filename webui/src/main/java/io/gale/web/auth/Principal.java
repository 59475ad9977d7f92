package io.gale.web.auth;

import io.gale.core.Role;

/** Who made a request: a user name and its role. */
public record Principal(String username, Role role) {
}
