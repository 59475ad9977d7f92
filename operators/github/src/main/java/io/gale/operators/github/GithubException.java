package io.gale.operators.github;

/** A GitHub request or response the crawler cannot use; the message is one line and never holds a token. */
public class GithubException extends RuntimeException {

    public GithubException(String message) {
        super(message);
    }

    public GithubException(String message, Throwable cause) {
        super(message, cause);
    }
}
