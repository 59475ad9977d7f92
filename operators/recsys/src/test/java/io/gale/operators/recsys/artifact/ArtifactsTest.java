package io.gale.operators.recsys.artifact;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gale.operators.recsys.model.EpochStats;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.model.RecVaeConfig;
import io.gale.operators.recsys.model.StateDict;
import io.gale.operators.recsys.model.TrainingResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactsTest {
    static final int ITEMS = 30;

    @TempDir
    Path dir;

    static RecVae model() {
        return new RecVae(ITEMS, RecVaeConfig.defaults().withDimensions(16, 4).withThreads(1).withSeed(3));
    }

    static int[] itemIds() {
        int[] ids = new int[ITEMS];
        for (int i = 0; i < ITEMS; i++) {
            ids[i] = 1000 + 7 * i;
        }
        return ids;
    }

    private Path saved(RecVae m) {
        TrainingResult tr = new TrainingResult(m, 2, 0.3456,
                List.of(new EpochStats(1, 10, 9, 0.3, 1, 1.1), new EpochStats(2, 8, 7, 0.3456, 1, 1.1)));
        return RecVaeArtifacts.save(dir, m, itemIds(), new EvaluationResult(0.42126, 0.35, 0.48, 600), tr);
    }

    @Test
    void savedAndReloadedModelGivesIdenticalScores() {
        RecVae m = model();
        Path file = saved(m);
        // named by the validation score that chose the epoch (0.3456), not by the test score (0.42126)
        assertThat(file.getFileName().toString()).isEqualTo("recvae_0.3456.safetensors");
        assertThat(dir.resolve("recvae_0.3456.json")).exists();
        RecVaeRecommender loaded = RecVaeArtifacts.load(file);
        for (int[] known : new int[][] {{0, 5, 17}, {29}, {}, {3, 4, 5, 6, 7, 8}}) {
            assertThat(loaded.model().scores(known)).containsExactly(m.scores(known));
        }
        assertThat(loaded.sidecar().bestEpoch()).isEqualTo(2);
        assertThat(loaded.sidecar().history()).hasSize(2);
        assertThat(loaded.sidecar().config()).isEqualTo(m.config());
        assertThat(loaded.sidecar().metrics()).containsEntry("test_recall50", 0.48);
    }

    @Test
    void recommendReturnsRawIdsExcludingKnownOnes() {
        RecVaeRecommender r = RecVaeArtifacts.load(saved(model()));
        int[] known = {1000, 1007, 1014};
        int[] top = r.recommend(known, 10);
        assertThat(top).hasSize(10).doesNotContain(known).doesNotHaveDuplicates();
        assertThat(Arrays.stream(top).allMatch(id -> Arrays.binarySearch(itemIds(), id) >= 0)).isTrue();
        float[] s = r.scores(known);
        for (int i = 1; i < top.length; i++) {
            int prev = (top[i - 1] - 1000) / 7;
            int cur = (top[i] - 1000) / 7;
            assertThat(s[prev]).isGreaterThanOrEqualTo(s[cur]);
        }
        assertThat(r.recommend(known, 100)).hasSize(ITEMS - 3);
        assertThatThrownBy(() -> r.recommend(new int[] {1000, 1001}, 5))
                .isInstanceOf(UnknownItemException.class).hasMessageContaining("1001");
    }

    @Test
    void tensorNamesAndLayoutsFollowThePyTorchStateDict() throws IOException {
        Path file = saved(model());
        byte[] bytes = Files.readAllBytes(file);
        long headerLen = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) headerLen, StandardCharsets.UTF_8));
        assertThat(header.get("encoder.fc1.weight").get("dtype").asText()).isEqualTo("F32");
        assertThat(header.get("encoder.fc1.weight").get("shape").toString()).isEqualTo("[16,30]");
        assertThat(header.get("encoder.fc5.weight").get("shape").toString()).isEqualTo("[16,16]");
        assertThat(header.get("encoder.ln3.weight").get("shape").toString()).isEqualTo("[16]");
        assertThat(header.get("encoder.fc_mu.weight").get("shape").toString()).isEqualTo("[4,16]");
        assertThat(header.get("encoder.fc_logvar.bias").get("shape").toString()).isEqualTo("[4]");
        assertThat(header.get("decoder.weight").get("shape").toString()).isEqualTo("[30,4]");
        assertThat(header.get("prior.encoder_old.fc1.weight").get("shape").toString()).isEqualTo("[16,30]");
        long dataLen = bytes.length - 8 - headerLen;
        long maxEnd = 0;
        for (var it = header.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getKey().equals("__metadata__")) {
                maxEnd = Math.max(maxEnd, e.getValue().get("data_offsets").get(1).asLong());
            }
        }
        assertThat(maxEnd).isEqualTo(dataLen);
        // the file holds the model's state_dict as StateDict lays it out (StateDictTest checks the layout)
        Map<String, float[]> expected = new LinkedHashMap<>();
        StateDict.write(model(), (name, shape, data) -> expected.put(name, data));
        Map<String, SafeTensors.Tensor> read = SafeTensors.read(file);
        assertThat(read.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, data) -> assertThat(read.get(name).data()).as(name).containsExactly(data));
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        Path file = saved(model());
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> RecVaeArtifacts.load(file))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertThatThrownBy(() -> RecVaeArtifacts.load(file))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void wrongShapesAndMissingFilesAreRejected() {
        Path file = saved(model());
        Map<String, SafeTensors.Tensor> t = new LinkedHashMap<>(SafeTensors.read(file));
        t.put("decoder.weight", new SafeTensors.Tensor(new int[] {4, 30}, t.get("decoder.weight").data()));
        SafeTensors.write(file, t, Map.of());
        assertThatThrownBy(() -> RecVaeArtifacts.load(file))
                .isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("decoder.weight").hasMessageContaining("[4, 30]");
        t.remove("encoder.fc2.weight");
        SafeTensors.write(file, t, Map.of());
        assertThatThrownBy(() -> RecVaeArtifacts.load(file))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("missing tensor encoder.fc2.weight");
        assertThatThrownBy(() -> RecVaeArtifacts.load(dir.resolve("nothing.safetensors")))
                .isInstanceOf(ModelFormatException.class).hasMessageContaining("not found");
    }
}
