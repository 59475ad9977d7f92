package io.gale.operators.recsys.artifact;

import io.gale.api.ArtifactStore;
import io.gale.api.StoredArtifact;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A saved model's files in an {@link ArtifactStore}: the safetensors weights and, beside them
 * under the same base name, the JSON sidecar and the ONNX export when present.
 */
public final class StoredModel {

    private static final List<String> COMPANIONS = List.of(".json", ".onnx");

    private StoredModel() {
    }

    /**
     * Uploads {@code weights} and its companions under {@code keyPrefix} (ending with {@code /}),
     * weights last, so that stored weights mean a complete model. Returns the weights' object.
     */
    public static StoredArtifact upload(ArtifactStore store, String keyPrefix, Path weights) {
        for (Path companion : companions(weights)) {
            store.put(keyPrefix + companion.getFileName(), companion);
        }
        return store.put(keyPrefix + weights.getFileName(), weights);
    }

    /**
     * Downloads the weights at {@code weightsUri} (required to have SHA-256 {@code sha256} when it is
     * not null) and their companions into {@code dir}, every file checked against its stored
     * checksums. Returns the local weights file, ready for {@link RecVaeArtifacts#load(Path)}.
     */
    public static Path download(ArtifactStore store, URI weightsUri, String sha256, Path dir) {
        String key = store.key(weightsUri);
        String name = key.substring(key.lastIndexOf('/') + 1);
        String base = baseName(name);
        String prefix = key.substring(0, key.length() - name.length());
        for (String ext : COMPANIONS) {
            if (store.exists(prefix + base + ext)) {
                store.get(prefix + base + ext, dir.resolve(base + ext));
            }
        }
        Path weights = dir.resolve(name);
        store.get(key, weights, sha256);
        return weights;
    }

    private static List<Path> companions(Path weights) {
        String base = baseName(weights.getFileName().toString());
        List<Path> out = new ArrayList<>();
        for (String ext : COMPANIONS) {
            Path p = weights.resolveSibling(base + ext);
            if (Files.isRegularFile(p)) {
                out.add(p);
            }
        }
        return out;
    }

    private static String baseName(String fileName) {
        return fileName.endsWith(".safetensors") ? fileName.substring(0, fileName.length() - ".safetensors".length()) : fileName;
    }
}
