package io.gale.operators.github;

/**
 * A GitHub token from a Gale connection (its password), or none for unauthenticated requests.
 * {@link #toString()} shows only the connection id.
 *
 * @param name the connection id ({@code anonymous} without a token)
 * @param token the token, or {@code null}
 */
public record Credential(String name, String token) {

    /** No token: GitHub's unauthenticated limit (60 requests an hour). */
    public static Credential anonymous() {
        return new Credential("anonymous", null);
    }

    @Override
    public String toString() {
        return "Credential[" + name + (token == null ? ", no token" : ", token ***") + "]";
    }
}
