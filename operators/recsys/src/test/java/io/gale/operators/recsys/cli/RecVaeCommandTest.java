package io.gale.operators.recsys.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gale.cli.Cli;
import io.gale.config.GaleConfig;
import io.gale.operators.recsys.data.Interactions;
import io.gale.operators.recsys.data.Split;
import io.gale.operators.recsys.data.SyntheticStars;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gale recvae ...} end to end, and one clean line plus exit 1 for each kind of bad input. */
class RecVaeCommandTest {

    @TempDir
    static Path dir;

    static Path split;
    static Path model;

    record Result(int code, String out, String err) {
    }

    static Result gale(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Cli cli = new Cli(GaleConfig.from(Map.of("GALE_HOME", dir.resolve("home").toString())), c -> {
            throw new AssertionError("recvae commands need no database");
        });
        int code = cli.addCommand(new RecVaeCommand()).run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeAll
    static void trainOnce() {
        Interactions stars = SyntheticStars.generate(SyntheticStars.Options.defaults(11).withSize(500, 200)).filter(5, 5);
        split = Split.strongGeneralization(stars, Split.Options.of(50)).write(dir.resolve("split"));
        Result r = gale("recvae", "train", "--data", split.toString(), "--epochs", "2", "--out", dir.resolve("models").toString(), "--seed", "5");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("epoch   1/2  loss ", "epoch   2/2  loss ", "val NDCG@100 ", "test NDCG@100 ", "Recall@50 ")
                .containsPattern("epoch   1/2 .* train \\d+\\.\\d\\d s  validation \\d+\\.\\d\\d s");
        String best = r.out().lines().filter(l -> l.startsWith("best epoch ")).findFirst().orElseThrow();
        String saved = r.out().lines().filter(l -> l.startsWith("saved ")).findFirst().orElseThrow();
        model = Path.of(saved.substring("saved ".length()));
        // named by the validation score printed on the "best epoch" line, not the test score
        assertThat(model.getFileName().toString()).isEqualTo("recvae_"
                + best.substring(best.indexOf("val NDCG@100 ") + 13, best.indexOf(")")) + ".safetensors");
    }

    @Test
    void evaluateAndRecommendASavedModel() throws IOException {
        Result e = gale("recvae", "evaluate", model.toString(), "--data", split.toString());
        assertThat(e.code()).as(e.err()).isZero();
        assertThat(e.out()).contains("validation NDCG@100 ", "test       NDCG@100 ");
        String known = Files.readAllLines(split.resolve("unique_sid.txt")).subList(0, 3).stream()
                .reduce((a, b) -> a + "," + b).orElseThrow();
        Result r = gale("recvae", "recommend", model.toString(), "--items", known, "-k", "5");
        assertThat(r.code()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).matches("1\t\\d+");
        for (String id : known.split(",")) {
            assertThat(lines).noneMatch(l -> l.endsWith("\t" + id));
        }
    }

    private static void assertOneLineError(Result r, String... fragments) {
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err().lines().toList()).singleElement().asString().startsWith("Error: ").contains(fragments);
    }

    private static Path copySplit(String name) throws IOException {
        Path copy = Files.createDirectories(dir.resolve(name));
        try (Stream<Path> files = Files.list(split)) {
            for (Path f : files.toList()) {
                Files.copy(f, copy.resolve(f.getFileName()));
            }
        }
        return copy;
    }

    private static void assertTrainFailsWithoutWriting(Path data, String... fragments) throws IOException {
        Path out = dir.resolve("out-" + data.getFileName());
        assertOneLineError(gale("recvae", "train", "--data", data.toString(), "--epochs", "1", "--out", out.toString()), fragments);
        assertThat(out).doesNotExist();
    }

    @Test
    void missingDataFile() throws IOException {
        Result nowhere = gale("recvae", "train", "--data", dir.resolve("nowhere").toString(), "--epochs", "1");
        assertOneLineError(nowhere, dir.resolve("nowhere") + ": data directory not found");
        assertThat(nowhere.err()).doesNotContain("unique_sid.txt");
        Path noItems = copySplit("no-items");
        Files.delete(noItems.resolve("unique_sid.txt"));
        assertTrainFailsWithoutWriting(noItems, "unique_sid.txt", "file not found");
        Path noTest = copySplit("no-test");
        Files.delete(noTest.resolve("test_te.csv"));
        assertTrainFailsWithoutWriting(noTest, "test_te.csv: file not found");
    }

    @Test
    void malformedLineNamesTheFileAndLine() throws IOException {
        Path bad = copySplit("malformed");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(bad.resolve("train.csv")));
        lines.set(3, "12;x");
        Files.write(bad.resolve("train.csv"), lines);
        assertTrainFailsWithoutWriting(bad, "train.csv:4: ");
    }

    @Test
    void emptyMatrix() throws IOException {
        Path empty = copySplit("empty");
        Files.writeString(empty.resolve("train.csv"), "uid,sid\n");
        assertTrainFailsWithoutWriting(empty, "train.csv", "empty matrix");
    }

    @Test
    void heldOutUserWithNoItems() throws IOException {
        Path bad = copySplit("no-heldout");
        List<String> te = Files.readAllLines(bad.resolve("test_te.csv"));
        String firstUser = te.get(1).split(",")[0];
        Files.write(bad.resolve("test_te.csv"), te.stream().filter(l -> !l.startsWith(firstUser + ",")).toList());
        assertTrainFailsWithoutWriting(bad, "held-out user " + firstUser + " has no items in test_te.csv");
    }

    @Test
    void truncatedModelOrAModelOfAnotherShape() throws IOException {
        Path truncated = dir.resolve("truncated/" + model.getFileName());
        Files.createDirectories(truncated.getParent());
        byte[] bytes = Files.readAllBytes(model);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.copy(model.resolveSibling(model.getFileName().toString().replace(".safetensors", ".json")),
                truncated.resolveSibling(truncated.getFileName().toString().replace(".safetensors", ".json")));
        assertOneLineError(gale("recvae", "recommend", truncated.toString(), "--items", "1"), truncated.toString());
        assertOneLineError(gale("recvae", "evaluate", truncated.toString(), "--data", split.toString()), truncated.toString());

        Interactions other = SyntheticStars.generate(SyntheticStars.Options.defaults(12).withSize(400, 120)).filter(5, 5);
        Path otherSplit = Split.strongGeneralization(other, Split.Options.of(40)).write(dir.resolve("other-split"));
        assertOneLineError(gale("recvae", "evaluate", model.toString(), "--data", otherSplit.toString()),
                "was trained on", "items");
    }

    @Test
    void kBelowOneIsAUsageErrorAndANonNumericItemOneLine() {
        for (String k : new String[] {"0", "-3"}) {
            Result r = gale("recvae", "recommend", model.toString(), "--items", "1", "-k", k);
            assertThat(r.code()).isEqualTo(2);
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).startsWith("Error: -k must be at least 1, got " + k);
        }
        assertOneLineError(gale("recvae", "recommend", model.toString(), "--items", "3,abc"),
                "--items must be integer item ids", "'abc'");
    }

    @Test
    void unknownItemInRecommend() {
        assertOneLineError(gale("recvae", "recommend", model.toString(), "--items", "3,999999"), "unknown item id 999999");
    }
}
