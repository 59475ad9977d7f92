package io.gale.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void masksPasswordParametersAndUserInfo() {
        assertThat(Secrets.maskUrl("jdbc:postgresql://127.0.0.1:1/gale?user=bob&password=hunter2"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:1/gale?user=bob&password=***");
        assertThat(Secrets.maskUrl("jdbc:postgresql://db/gale?PASSWORD=hunter2&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/gale?PASSWORD=***&ssl=true");
        assertThat(Secrets.maskUrl("jdbc:postgresql://db/gale?sslpassword=k3y;password=hunter2"))
                .isEqualTo("jdbc:postgresql://db/gale?sslpassword=***;password=***");
        assertThat(Secrets.maskUrl("postgresql://bob:hunter2@db:5432/gale")).isEqualTo("postgresql://bob:***@db:5432/gale");
        assertThat(Secrets.maskUrl("jdbc:postgresql://db:5432/gale?user=bob")).isEqualTo("jdbc:postgresql://db:5432/gale?user=bob");
        assertThat(Secrets.maskUrl(null)).isNull();
    }

    @Test
    void masksKnownSecretsAndUrlsInsideText() {
        assertThat(Secrets.mask("login failed for bob with s3cret at jdbc:postgresql://h/g?password=x", "s3cret", null, ""))
                .isEqualTo("login failed for bob with *** at jdbc:postgresql://h/g?password=***");
    }

    @Test
    void findsThePasswordsOfAUrlAsWrittenAndDecoded() {
        assertThat(Secrets.passwordsIn("jdbc:postgresql://bob:p%40ss@h/g?password=hunter2"))
                .containsExactlyInAnyOrder("hunter2", "p%40ss", "p@ss");
        assertThat(Secrets.passwordsIn("jdbc:postgresql://h/g?user=bob")).isEmpty();
        assertThat(Secrets.passwordsIn(null)).isEmpty();
    }
}
