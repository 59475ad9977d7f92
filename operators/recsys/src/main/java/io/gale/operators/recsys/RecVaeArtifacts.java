package io.gale.operators.recsys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
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
 * Saves and loads a model as {@code recvae_<NDCG@100>.safetensors} (tensor names and layouts of
 * the reference PyTorch state_dict, e.g. {@code encoder.fc1.weight} [hidden, items]) plus a JSON
 * sidecar {@code recvae_<NDCG@100>.json} next to it.
 */
public final class RecVaeArtifacts {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private RecVaeArtifacts() {
    }

    /**
     * Saves the model into {@code dir} (created if needed); the file name carries the test NDCG@100
     * (or the best validation NDCG@100 when {@code test} is null). Returns the safetensors path.
     */
    public static Path save(Path dir, RecVae model, int[] itemIds, EvaluationResult test, TrainingResult training) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        double ndcg = Double.NaN;
        if (training != null) {
            metrics.put("validation_ndcg100", training.bestValidationNdcg100());
            ndcg = training.bestValidationNdcg100();
        }
        if (test != null) {
            metrics.put("test_ndcg100", test.ndcg100());
            metrics.put("test_recall20", test.recall20());
            metrics.put("test_recall50", test.recall50());
            ndcg = test.ndcg100();
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
        RecVae model = new RecVae(sidecar.items(), sidecar.config(), false);
        loadStateDict(weights, model, SafeTensors.read(weights));
        return new RecVaeRecommender(model, sidecar);
    }

    /** Tensors named as the reference model's state_dict, in PyTorch layouts. */
    static Map<String, SafeTensors.Tensor> stateDict(RecVae m) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        putEncoder(out, "encoder.", m.encoder);
        int latent = m.config.latentDim();
        float[] zeros = new float[latent];
        float[] tens = new float[latent];
        Arrays.fill(tens, (float) RecVae.UNIFORM_LOGVAR);
        out.put("prior.mu_prior", new SafeTensors.Tensor(new int[] {1, latent}, zeros));
        out.put("prior.logvar_prior", new SafeTensors.Tensor(new int[] {1, latent}, zeros.clone()));
        out.put("prior.logvar_uniform_prior", new SafeTensors.Tensor(new int[] {1, latent}, tens));
        putEncoder(out, "prior.encoder_old.", m.priorEncoder);
        out.put("decoder.weight", new SafeTensors.Tensor(new int[] {m.items, latent}, m.decoder.w));
        out.put("decoder.bias", new SafeTensors.Tensor(new int[] {m.items}, m.decoder.b));
        return out;
    }

    private static void putEncoder(Map<String, SafeTensors.Tensor> out, String prefix, Encoder e) {
        int h = e.hidden;
        int n = e.items;
        float[] w1 = new float[h * n];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < h; o++) {
                w1[o * n + i] = e.fc1T[i * h + o];
            }
        }
        for (int l = 0; l < Encoder.LAYERS; l++) {
            String fc = prefix + "fc" + (l + 1) + ".";
            if (l == 0) {
                out.put(fc + "weight", new SafeTensors.Tensor(new int[] {h, n}, w1));
            } else {
                out.put(fc + "weight", new SafeTensors.Tensor(new int[] {h, h}, e.fcW[l]));
            }
            out.put(fc + "bias", new SafeTensors.Tensor(new int[] {h}, e.fcB[l]));
            String ln = prefix + "ln" + (l + 1) + ".";
            out.put(ln + "weight", new SafeTensors.Tensor(new int[] {h}, e.lnW[l]));
            out.put(ln + "bias", new SafeTensors.Tensor(new int[] {h}, e.lnB[l]));
        }
        out.put(prefix + "fc_mu.weight", new SafeTensors.Tensor(new int[] {e.latent, h}, e.muW));
        out.put(prefix + "fc_mu.bias", new SafeTensors.Tensor(new int[] {e.latent}, e.muB));
        out.put(prefix + "fc_logvar.weight", new SafeTensors.Tensor(new int[] {e.latent, h}, e.lvW));
        out.put(prefix + "fc_logvar.bias", new SafeTensors.Tensor(new int[] {e.latent}, e.lvB));
    }

    static void loadStateDict(Path file, RecVae m, Map<String, SafeTensors.Tensor> t) {
        readEncoder(file, t, "encoder.", m.encoder, true);
        if (!readEncoder(file, t, "prior.encoder_old.", m.priorEncoder, false)) {
            m.priorEncoder.copyFrom(m.encoder);
        }
        copy(file, t, "decoder.weight", new int[] {m.items, m.config.latentDim()}, m.decoder.w, true);
        copy(file, t, "decoder.bias", new int[] {m.items}, m.decoder.b, true);
    }

    private static boolean readEncoder(Path file, Map<String, SafeTensors.Tensor> t, String prefix, Encoder e,
                                       boolean required) {
        if (!required && !t.containsKey(prefix + "fc1.weight")) {
            return false;
        }
        int h = e.hidden;
        int n = e.items;
        float[] w1 = new float[h * n];
        copy(file, t, prefix + "fc1.weight", new int[] {h, n}, w1, true);
        for (int o = 0; o < h; o++) {
            for (int i = 0; i < n; i++) {
                e.fc1T[i * h + o] = w1[o * n + i];
            }
        }
        for (int l = 0; l < Encoder.LAYERS; l++) {
            String fc = prefix + "fc" + (l + 1) + ".";
            if (l > 0) {
                copy(file, t, fc + "weight", new int[] {h, h}, e.fcW[l], true);
            }
            copy(file, t, fc + "bias", new int[] {h}, e.fcB[l], true);
            copy(file, t, prefix + "ln" + (l + 1) + ".weight", new int[] {h}, e.lnW[l], true);
            copy(file, t, prefix + "ln" + (l + 1) + ".bias", new int[] {h}, e.lnB[l], true);
        }
        copy(file, t, prefix + "fc_mu.weight", new int[] {e.latent, h}, e.muW, true);
        copy(file, t, prefix + "fc_mu.bias", new int[] {e.latent}, e.muB, true);
        copy(file, t, prefix + "fc_logvar.weight", new int[] {e.latent, h}, e.lvW, true);
        copy(file, t, prefix + "fc_logvar.bias", new int[] {e.latent}, e.lvB, true);
        return true;
    }

    private static void copy(Path file, Map<String, SafeTensors.Tensor> t, String name, int[] shape,
                             float[] dst, boolean required) {
        SafeTensors.Tensor x = t.get(name);
        if (x == null) {
            if (required) {
                throw new ModelFormatException(file, "missing tensor " + name);
            }
            return;
        }
        if (!Arrays.equals(x.shape(), shape)) {
            throw new ModelFormatException(file, "tensor " + name + " has shape " + Arrays.toString(x.shape())
                    + ", expected " + Arrays.toString(shape));
        }
        System.arraycopy(x.data(), 0, dst, 0, dst.length);
    }
}
