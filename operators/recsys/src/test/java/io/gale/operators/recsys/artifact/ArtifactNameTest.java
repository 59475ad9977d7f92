package io.gale.operators.recsys.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ArtifactNameTest {

    @Test
    void parsesModelAndScoreFromTheFileName() {
        assertThat(ArtifactName.parse("recvae_0.4213.safetensors")).isEqualTo(new ArtifactName("recvae", 0.4213));
        assertThat(ArtifactName.parse("/tmp/work/train/recvae_0.4293.safetensors")).isEqualTo(new ArtifactName("recvae", 0.4293));
        assertThat(ArtifactName.parse("mult_vae_0.4100.pt")).isEqualTo(new ArtifactName("mult_vae", 0.41));
        assertThat(ArtifactName.parse("ease_1")).isEqualTo(new ArtifactName("ease", 1.0));
    }

    @Test
    void namesOutsideTheConventionAreRejected() {
        for (String bad : new String[] {"model.safetensors", "recvae.safetensors", "recvae_.safetensors",
                "recvae_abc.safetensors", "_0.42.pt", "recvae_0.42.tar.gz", "recvae_-0.1.pt", "recvae_NaN"}) {
            assertThatThrownBy(() -> ArtifactName.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("does not follow <model>_<score>");
        }
        assertThatThrownBy(() -> ArtifactName.parse("")).hasMessage("no artifact path to parse");
    }
}
