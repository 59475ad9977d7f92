package io.gale.operators.github;

/** A repository whose metadata is stored: its GitHub id and its current {@code owner/name}. */
public record RepoTarget(long id, String fullName) {
}
