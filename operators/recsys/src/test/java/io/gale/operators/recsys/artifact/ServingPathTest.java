package io.gale.operators.recsys.artifact;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.model.RecVaeConfig;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model server's path ({@link RecVaeRecommender#recommend(int[][], int[])}: the FoldInScorer, the
 * partial top-k) against the model's own scoring ({@link RecVaeRecommender#recommend(int[], int)},
 * what the CLI and the evaluation use) for 100 users, on a model of ML-1M's size (3,497 items,
 * hidden 600, latent 200).
 */
class ServingPathTest {
    static final int ITEMS = 3_497;
    static final int K = 100;
    static RecVaeRecommender rec;
    static int[][] users;

    @BeforeAll
    static void model() {
        RecVae m = new RecVae(ITEMS, RecVaeConfig.defaults().withThreads(1).withSeed(42));
        int[] ids = IntStream.range(0, ITEMS).map(i -> 1 + 2 * i).toArray();
        rec = new RecVaeRecommender(m, new RecVaeSidecar(RecVaeSidecar.FORMAT, "x.safetensors", m.config(), ITEMS, ids,
                java.util.Map.of(), 0, java.util.List.of(), "test"));
        Random r = new Random(3);
        users = new int[100][];
        for (int u = 0; u < users.length; u++) {
            users[u] = r.ints(1 + r.nextInt(50), 0, ITEMS).map(c -> ids[c]).toArray();  // repeats included
        }
    }

    @Test
    void oneUserAtATimeGivesTheSameListsAsTheModel() {
        for (int[] user : users) {
            assertThat(rec.recommend(new int[][] {user}, new int[] {K})[0]).containsExactly(rec.recommend(user, K));
        }
    }

    @Test
    void batchesGiveTheSameListsUpToFloatNoise() {
        int same = 0;
        for (int from = 0; from < users.length; from += 16) {
            int[][] batch = Arrays.copyOfRange(users, from, Math.min(users.length, from + 16));
            int[] ks = new int[batch.length];
            Arrays.fill(ks, K);
            int[][] top = rec.recommend(batch, ks);
            for (int u = 0; u < batch.length; u++) {
                int[] expected = rec.recommend(batch[u], K);
                if (Arrays.equals(top[u], expected)) {
                    same++;
                } else {
                    // only near-ties may swap: the same items, each at most 1e-5 from the other list's score at its rank
                    float[] s = rec.scores(batch[u]);
                    assertThat(Arrays.stream(top[u]).sorted().toArray()).as("user %d", from + u)
                            .containsExactly(Arrays.stream(expected).sorted().toArray());
                    for (int i = 0; i < K; i++) {
                        assertThat(s[(top[u][i] - 1) / 2]).isCloseTo(s[(expected[i] - 1) / 2], org.assertj.core.data.Offset.offset(1e-5f));
                    }
                }
            }
        }
        assertThat(same).as("lists equal to the model's").isGreaterThanOrEqualTo(90);
    }
}
