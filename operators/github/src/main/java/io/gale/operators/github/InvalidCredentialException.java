package io.gale.operators.github;

/** GitHub answered 401 for a credential: retrying cannot help, the connection must be fixed. */
public final class InvalidCredentialException extends GithubException {

    public InvalidCredentialException(String message) {
        super(message);
    }
}
