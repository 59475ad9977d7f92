package io.gale.operators.recsys.artifact;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed project's artifact naming convention {@code <model>_<score>[.<extension>]}, e.g.
 * {@code recvae_0.4213.safetensors} is model {@code recvae} with score 0.4213.
 */
public record ArtifactName(String model, double score) {

    private static final Pattern NAME = Pattern.compile(
            "(?<model>[A-Za-z][A-Za-z0-9_-]*?)_(?<score>[0-9]+(?:\\.[0-9]+)?)(?:\\.[A-Za-z][A-Za-z0-9]*)?");

    /** Parses the file name of {@code path} (directories are ignored). */
    public static ArtifactName parse(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("no artifact path to parse");
        }
        Path fileName = Path.of(path).getFileName();
        String name = fileName == null ? path : fileName.toString();
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            throw new IllegalArgumentException("artifact file name '" + name
                    + "' does not follow <model>_<score>[.extension], e.g. recvae_0.4213.safetensors");
        }
        return new ArtifactName(m.group("model"), Double.parseDouble(m.group("score")));
    }
}
