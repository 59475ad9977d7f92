package io.gale.operators.models;

/** A webhook whose headers, timestamp or signature do not check out (answered with 401). */
public final class WebhookRejectedException extends RuntimeException {
    public WebhookRejectedException(String message) {
        super(message);
    }
}
