package io.gale.operators.recsys.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTest {
    @TempDir
    Path dir;

    @Test
    void csrFromPairsSortsAndMergesDuplicates() {
        CsrMatrix m = CsrMatrix.fromPairs(3, 5, new int[] {2, 0, 0, 2, 0}, new int[] {1, 4, 2, 1, 4});
        assertThat(m.nnz()).isEqualTo(3);
        assertThat(m.row(0)).containsExactly(2, 4);
        assertThat(m.row(1)).isEmpty();
        assertThat(m.row(2)).containsExactly(1);
        assertThat(m.selectRows(new int[] {2, 0}).row(1)).containsExactly(2, 4);
        assertThatThrownBy(() -> CsrMatrix.fromPairs(2, 2, new int[] {0}, new int[] {2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static CsrMatrix randomMatrix(int users, int items, Random rng) {
        int[] r = new int[users * 12];
        int[] c = new int[r.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = i % users;
            c[i] = rng.nextInt(items);
        }
        return CsrMatrix.fromPairs(users, items, r, c);
    }

    @Test
    void strongGeneralizationSplitOnAMatrix() {
        CsrMatrix m = randomMatrix(300, 80, new Random(1));
        Split s = Split.strongGeneralization(m, new Split.Options(40, 0.2, 5, 11L));
        int kept = 0;
        for (int r = 0; r < m.rows(); r++) {
            if (m.rowNnz(r) >= 5) {
                kept++;
            }
        }
        assertThat(s.train().rows()).isEqualTo(kept - 80);
        assertThat(s.validationIn().rows()).isEqualTo(40);
        assertThat(s.testIn().rows()).isEqualTo(40);
        // items = the training users' items, ascending raw ids
        assertThat(s.itemIds()).isSorted();
        Set<Integer> trainItems = new HashSet<>();
        for (int c : s.train().indices()) {
            trainItems.add(c);
        }
        assertThat(trainItems).hasSize(s.numItems());
        // 80/20 per held-out user: out = int(0.2 n), disjoint from in
        for (int r = 0; r < 40; r++) {
            int n = s.validationIn().rowNnz(r) + s.validationOut().rowNnz(r);
            assertThat(s.validationOut().rowNnz(r)).isEqualTo(n >= 5 ? (int) (0.2 * n) : 0);
            for (int c : s.validationOut().row(r)) {
                assertThat(s.validationIn().contains(r, c)).isFalse();
            }
        }
        // fixed seed: same split again
        Split again = Split.strongGeneralization(m, new Split.Options(40, 0.2, 5, 11L));
        assertThat(again.train().indices()).containsExactly(s.train().indices());
        assertThat(again.testOut().indices()).containsExactly(s.testOut().indices());
        assertThatThrownBy(() -> Split.strongGeneralization(m, Split.Options.of(200)))
                .hasMessageContaining("held-out users");
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void readsRawRatingsInMovieLensCsvAndGzipForms() throws IOException {
        Path gz = dir.resolve("ratings.dat.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("1::10::5::978300760\n1::11::3::978300761\n2::10::4::978300762\n".getBytes(StandardCharsets.UTF_8));
        }
        Interactions ml = InteractionReader.readRatings(gz, 4);
        assertThat(ml.users()).containsExactly(1, 2);
        assertThat(ml.items()).containsExactly(10, 10);
        Interactions csv = InteractionReader.readRatings(write("r.csv", "user,item,rating\n5,7,4.5\n5,8,1\n6,7\n"), 3.5);
        assertThat(csv.users()).containsExactly(5, 6);
        Interactions tsv = InteractionReader.readRatings(write("r.tsv", "1\t2\t5\n"), 4);
        assertThat(tsv.items()).containsExactly(2);
    }

    @Test
    void badInputNamesFileAndLine() throws IOException {
        Path bad = write("bad.csv", "user,item,rating\n1,2,5\n1,x,4\n");
        assertThatThrownBy(() -> InteractionReader.readRatings(bad, 4))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("bad.csv:3:");
        Path missing = dir.resolve("nope.csv");
        assertThatThrownBy(() -> InteractionReader.readRatings(missing, 4))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("nope.csv").hasMessageContaining("not found");
        Path empty = write("empty.csv", "uid,sid\n");
        assertThatThrownBy(() -> InteractionReader.readPairs(empty))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("empty.csv:1:").hasMessageContaining("empty matrix");
        Path low = write("low.csv", "1,2,1\n1,3,2\n");
        assertThatThrownBy(() -> InteractionReader.readRatings(low, 4))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("empty matrix");
        Path fields = write("fields.csv", "uid,sid\n1,2\n3,4,5\n");
        assertThatThrownBy(() -> InteractionReader.readPairs(fields))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("fields.csv:3:");
    }

    private void writeSplit(String validTe) throws IOException {
        write("unique_sid.txt", "10\n20\n30\n40\n");
        write("train.csv", "uid,sid\n0,0\n0,1\n1,2\n1,3\n1,0\n");
        write("validation_tr.csv", "uid,sid\n2,0\n2,1\n3,2\n");
        write("validation_te.csv", validTe);
        write("test_tr.csv", "uid,sid\n4,1\n");
        write("test_te.csv", "uid,sid\n4,3\n");
    }

    @Test
    void readsASplitDirectory() throws IOException {
        writeSplit("uid,sid\n2,3\n3,1\n");
        Split s = Split.read(dir);
        assertThat(s.itemIds()).containsExactly(10, 20, 30, 40);
        assertThat(s.train().rows()).isEqualTo(2);
        assertThat(s.train().nnz()).isEqualTo(5);
        assertThat(s.validationIn().row(0)).containsExactly(0, 1);
        assertThat(s.validationOut().row(1)).containsExactly(1);
        assertThat(s.testOut().row(0)).containsExactly(3);
    }

    @Test
    void heldOutUserWithoutItemsIsRejectedWithFileAndLine() throws IOException {
        writeSplit("uid,sid\n2,3\n");
        assertThatThrownBy(() -> Split.read(dir))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("validation_tr.csv:4:")
                .hasMessageContaining("held-out user 3 has no items");
    }

    @Test
    void unknownSidAndMissingFilesAreRejected() throws IOException {
        writeSplit("uid,sid\n2,3\n3,9\n");
        assertThatThrownBy(() -> Split.read(dir))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("validation_te.csv:3:");
        Files.delete(dir.resolve("test_te.csv"));
        writeSplit("uid,sid\n2,3\n3,1\n");
        Files.delete(dir.resolve("test_te.csv"));
        assertThatThrownBy(() -> Split.read(dir))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining("test_te.csv").hasMessageContaining("not found");
    }
}
