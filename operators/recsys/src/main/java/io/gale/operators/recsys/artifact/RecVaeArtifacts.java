package io.gale.operators.recsys.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gale.operators.recsys.eval.EvaluationResult;
import io.gale.operators.recsys.model.Gemm;
import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.model.StateDict;
import io.gale.operators.recsys.model.TrainingResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Saves and loads a model as {@code recvae_<validation NDCG@100>.safetensors} (tensor names and
 * layouts of the reference PyTorch state_dict, e.g. {@code encoder.fc1.weight} [hidden, items]) plus
 * a JSON sidecar {@code recvae_<validation NDCG@100>.json} next to it. The name carries the
 * validation score, which chose the epoch; test metrics are recorded beside it, never used to choose.
 */
public final class RecVaeArtifacts {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RecVaeArtifacts() {
    }

    /**
     * Saves the model into {@code dir} (created if needed); the file name carries the best validation
     * NDCG@100 of {@code training} (the test NDCG@100 only when there is no training record, e.g. a
     * model evaluated on its own). Test metrics go into the sidecar. Returns the safetensors path.
     */
    public static Path save(Path dir, RecVae model, int[] itemIds, EvaluationResult test, TrainingResult training) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        double ndcg = Double.NaN;
        if (test != null) {
            metrics.put("test_ndcg100", test.ndcg100());
            metrics.put("test_recall20", test.recall20());
            metrics.put("test_recall50", test.recall50());
            ndcg = test.ndcg100();
        }
        if (training != null) {
            metrics.put("validation_ndcg100", training.bestValidationNdcg100());
            ndcg = training.bestValidationNdcg100();
        }
        String base = String.format(Locale.ROOT, "recvae_%.4f", ndcg);
        RecVaeSidecar sidecar = new RecVaeSidecar(RecVaeSidecar.FORMAT, base + ".safetensors", model.config(),
                model.items(), itemIds.clone(), metrics, training == null ? 0 : training.bestEpoch(),
                training == null ? List.of() : training.history(), Gemm.implementation());
        return save(dir, base, model, sidecar);
    }

    /** Saves with an explicit base name and sidecar. */
    public static Path save(Path dir, String baseName, RecVae model, RecVaeSidecar sidecar) {
        if (sidecar.itemIds().length != model.items()) {
            throw new IllegalArgumentException("item mapping has " + sidecar.itemIds().length
                    + " ids, the model has " + model.items() + " items");
        }
        try {
            Files.createDirectories(dir);
            Path weights = dir.resolve(baseName + ".safetensors");
            SafeTensors.write(weights, stateDict(model), Map.of("format", "pt", "model", "RecVAE"));
            Files.writeString(dir.resolve(baseName + ".json"), JSON.writeValueAsString(sidecar));
            RecVaeOnnx.write(dir.resolve(baseName + ".onnx"), model);
            return weights;
        } catch (IOException e) {
            throw new ModelFormatException(dir, "cannot save model: " + e.getMessage(), e);
        }
    }

    /** Sidecar path of a weights file: same name with {@code .json}. */
    public static Path sidecarOf(Path weights) {
        String name = weights.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return weights.resolveSibling(base + ".json");
    }

    /** Loads the model and its sidecar (found next to the weights). */
    public static RecVaeRecommender load(Path weights) {
        return load(weights, sidecarOf(weights));
    }

    /** Loads the model from the weights and sidecar files; needs no training data. */
    public static RecVaeRecommender load(Path weights, Path sidecarFile) {
        RecVaeSidecar sidecar;
        try {
            sidecar = JSON.readValue(Files.readString(sidecarFile), RecVaeSidecar.class);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(sidecarFile, "sidecar not found");
        } catch (JsonProcessingException e) {
            throw new ModelFormatException(sidecarFile, "bad sidecar JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(sidecarFile, "cannot read: " + e.getMessage(), e);
        }
        if (sidecar.config() == null || sidecar.itemIds() == null || sidecar.itemIds().length != sidecar.items()) {
            throw new ModelFormatException(sidecarFile, "sidecar lacks config or a consistent item_ids list");
        }
        Map<String, SafeTensors.Tensor> tensors = SafeTensors.read(weights);
        RecVae model = StateDict.read(sidecar.items(), sidecar.config(),
                (name, shape, dst, required) -> copy(weights, tensors, name, shape, dst, required));
        return new RecVaeRecommender(model, sidecar);
    }

    /** Tensors named as the reference model's state_dict, in PyTorch layouts. */
    static Map<String, SafeTensors.Tensor> stateDict(RecVae m) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        StateDict.write(m, (name, shape, data) -> out.put(name, new SafeTensors.Tensor(shape, data)));
        return out;
    }

    private static boolean copy(Path file, Map<String, SafeTensors.Tensor> t, String name, int[] shape,
                                float[] dst, boolean required) {
        SafeTensors.Tensor x = t.get(name);
        if (x == null) {
            if (required) {
                throw new ModelFormatException(file, "missing tensor " + name);
            }
            return false;
        }
        if (!Arrays.equals(x.shape(), shape)) {
            throw new ModelFormatException(file, "tensor " + name + " has shape " + Arrays.toString(x.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        System.arraycopy(x.data(), 0, dst, 0, dst.length);
        return true;
    }
}
