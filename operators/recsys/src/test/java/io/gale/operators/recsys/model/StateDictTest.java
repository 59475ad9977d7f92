package io.gale.operators.recsys.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateDictTest {
    static final int ITEMS = 30;
    static final int HIDDEN = 16;
    static final int LATENT = 4;

    private static RecVae model(long seed) {
        return new RecVae(ITEMS, RecVaeConfig.defaults().withDimensions(HIDDEN, LATENT).withThreads(1).withSeed(seed));
    }

    private static Map<String, float[]> write(RecVae m, Map<String, int[]> shapes) {
        Map<String, float[]> out = new LinkedHashMap<>();
        StateDict.write(m, (name, shape, data) -> {
            out.put(name, data.clone());
            shapes.put(name, shape);
        });
        return out;
    }

    private static StateDict.Source source(Map<String, float[]> tensors, Map<String, int[]> shapes) {
        return (name, shape, dst, required) -> {
            float[] t = tensors.get(name);
            if (t == null) {
                if (required) {
                    throw new IllegalArgumentException("missing " + name);
                }
                return false;
            }
            assertThat(shape).as(name).containsExactly(shapes.get(name));
            System.arraycopy(t, 0, dst, 0, dst.length);
            return true;
        };
    }

    @Test
    void layoutsFollowPyTorchOutByIn() {
        RecVae m = model(3);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = write(m, shapes);
        assertThat(shapes.get("encoder.fc1.weight")).containsExactly(HIDDEN, ITEMS);
        assertThat(shapes.get("decoder.weight")).containsExactly(ITEMS, LATENT);
        // fc1 weight [out, in]: element (o, i) is the transposed internal fc1T[i, o]
        assertThat(t.get("encoder.fc1.weight")[2 * ITEMS + 5]).isEqualTo(m.encoder.fc1T[5 * HIDDEN + 2]);
        assertThat(t.get("prior.logvar_uniform_prior")).containsOnly((float) RecVae.UNIFORM_LOGVAR);
    }

    @Test
    void readingWhatWasWrittenGivesTheSameScores() {
        RecVae m = model(3);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = write(m, shapes);
        RecVae back = StateDict.read(ITEMS, m.config(), source(t, shapes));
        assertThat(back.scores(new int[] {0, 5, 17})).containsExactly(m.scores(new int[] {0, 5, 17}));
        assertThat(back.scores(new int[] {0, 5, 17})).isNotEqualTo(model(4).scores(new int[] {0, 5, 17}));
    }

    @Test
    void aMissingPriorEncoderIsTheEncoderAndAMissingDecoderFails() {
        RecVae m = model(3);
        Map<String, int[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> t = write(m, shapes);
        t.keySet().removeIf(name -> name.startsWith("prior.encoder_old."));
        RecVae back = StateDict.read(ITEMS, m.config(), source(t, shapes));
        assertThat(Arrays.equals(back.priorEncoder.fc1T, back.encoder.fc1T)).isTrue();
        t.remove("decoder.bias");
        assertThatThrownBy(() -> StateDict.read(ITEMS, m.config(), source(t, shapes)))
                .hasMessage("missing decoder.bias");
    }
}
