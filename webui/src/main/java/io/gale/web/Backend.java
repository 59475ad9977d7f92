package io.gale.web;

import io.gale.client.Operations;
import io.gale.web.auth.Auth;
import java.time.Clock;

/** What routes work with: the operations API, authentication, and the clock. */
public record Backend(Operations operations, Auth auth, Clock clock) {
}
