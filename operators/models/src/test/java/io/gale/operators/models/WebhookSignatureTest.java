package io.gale.operators.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    // The Standard Webhooks specification's published test vector.
    static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    static final long TS = 1614265330;
    static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    static final String EXPECTED = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void signsAndVerifiesTheSpecificationsTestVector() {
        WebhookSignature s = WebhookSignature.of(SECRET);
        assertThat(s.sign(ID, TS, BODY)).isEqualTo(EXPECTED);
        assertThat(s.verify(ID, Long.toString(TS), EXPECTED, BODY, Instant.ofEpochSecond(TS + 10), TOLERANCE)).isEqualTo(TS);
        // several signatures (key rotation): any valid one passes
        assertThat(s.verify(ID, Long.toString(TS), "v1,bm90IGl0 " + EXPECTED, BODY, Instant.ofEpochSecond(TS), TOLERANCE)).isEqualTo(TS);
        assertThat(s.toString()).doesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Test
    void rejectsATamperedBodyIdOrTimestampAnOldTimestampAndMissingHeaders() {
        WebhookSignature s = WebhookSignature.of(SECRET);
        Instant now = Instant.ofEpochSecond(TS);
        byte[] tampered = "{\"test\": 2432232315}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> s.verify(ID, Long.toString(TS), EXPECTED, tampered, now, TOLERANCE))
                .isInstanceOf(WebhookRejectedException.class).hasMessage("no valid v1 signature in webhook-signature");
        assertThatThrownBy(() -> s.verify("msg_other", Long.toString(TS), EXPECTED, BODY, now, TOLERANCE))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> s.verify(ID, Long.toString(TS + 1), EXPECTED, BODY, now, TOLERANCE))
                .isInstanceOf(WebhookRejectedException.class);
        assertThatThrownBy(() -> s.verify(ID, Long.toString(TS), EXPECTED, BODY, now.plusSeconds(301), TOLERANCE))
                .hasMessageContaining("301 s away from now (tolerance 300 s)");
        assertThatThrownBy(() -> s.verify(ID, Long.toString(TS), EXPECTED, BODY, now.minusSeconds(301), TOLERANCE))
                .hasMessageContaining("away from now");
        assertThatThrownBy(() -> s.verify(null, Long.toString(TS), EXPECTED, BODY, now, TOLERANCE)).hasMessage("missing webhook-id header");
        assertThatThrownBy(() -> s.verify(ID, null, EXPECTED, BODY, now, TOLERANCE)).hasMessage("missing webhook-timestamp header");
        assertThatThrownBy(() -> s.verify(ID, "soon", EXPECTED, BODY, now, TOLERANCE)).hasMessageContaining("not a number");
        assertThatThrownBy(() -> WebhookSignature.of("other-secret").verify(ID, Long.toString(TS), EXPECTED, BODY, now, TOLERANCE))
                .isInstanceOf(WebhookRejectedException.class);
    }

    @Test
    void aPlainSecretIsItsUtf8BytesAndABadWhsecIsRefusedWithoutEchoingIt() {
        WebhookSignature plain = WebhookSignature.of("s3cret");
        String sig = plain.sign("msg_1", 1, BODY);
        assertThat(sig).startsWith("v1,").isNotEqualTo(WebhookSignature.of("s3cret2").sign("msg_1", 1, BODY));
        assertThatThrownBy(() -> WebhookSignature.of("whsec_not base64!")).hasMessageNotContaining("not base64!");
        assertThatThrownBy(() -> WebhookSignature.of("")).hasMessageContaining("empty");
    }
}
