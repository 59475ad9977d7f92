/**
 * Users (bcrypt), JSON Web Tokens signed with keys stored in the database, roles, sessions with
 * CSRF protection, and the login rate limit.
 */
package io.gale.web.auth;
