package io.gale.operators.recsys.model;

import java.util.Arrays;

/**
 * A model's parameters named and laid out as the reference PyTorch state_dict (e.g.
 * {@code encoder.fc1.weight} [hidden, items], {@code decoder.weight} [items, latent]), written to
 * a {@link Sink} or read from a {@link Source}; the file format is the caller's.
 */
public final class StateDict {
    private StateDict() {
    }

    /** Receives each tensor of a model: its state_dict name, shape and row-major values. */
    @FunctionalInterface
    public interface Sink {
        /** Takes one tensor; {@code data} is the model's own array, to copy or write out but not to keep. */
        void put(String name, int[] shape, float[] data);
    }

    /** Supplies tensors by name. */
    @FunctionalInterface
    public interface Source {
        /**
         * Copies the tensor {@code name} into {@code dst} after checking it has {@code shape}.
         * Returns false when it is absent and not required; throws when it is absent and required
         * or when its shape differs.
         */
        boolean copy(String name, int[] shape, float[] dst, boolean required);
    }

    /** Writes every tensor of the model, in state_dict order. */
    public static void write(RecVae m, Sink out) {
        writeEncoder(out, "encoder.", m.encoder);
        int latent = m.config.latentDim();
        float[] zeros = new float[latent];
        float[] tens = new float[latent];
        Arrays.fill(tens, (float) RecVae.UNIFORM_LOGVAR);
        out.put("prior.mu_prior", new int[] {1, latent}, zeros);
        out.put("prior.logvar_prior", new int[] {1, latent}, zeros.clone());
        out.put("prior.logvar_uniform_prior", new int[] {1, latent}, tens);
        writeEncoder(out, "prior.encoder_old.", m.priorEncoder);
        out.put("decoder.weight", new int[] {m.items, latent}, m.decoder.w);
        out.put("decoder.bias", new int[] {m.items}, m.decoder.b);
    }

    /**
     * A model of {@code items} items and {@code config}'s dimensions with the source's tensors; a
     * missing prior encoder is copied from the encoder.
     */
    public static RecVae read(int items, RecVaeConfig config, Source in) {
        RecVae m = new RecVae(items, config, false);
        readEncoder(in, "encoder.", m.encoder, true);
        if (!readEncoder(in, "prior.encoder_old.", m.priorEncoder, false)) {
            m.priorEncoder.copyFrom(m.encoder);
        }
        in.copy("decoder.weight", new int[] {m.items, m.config.latentDim()}, m.decoder.w, true);
        in.copy("decoder.bias", new int[] {m.items}, m.decoder.b, true);
        return m;
    }

    private static void writeEncoder(Sink out, String prefix, Encoder e) {
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
                out.put(fc + "weight", new int[] {h, n}, w1);
            } else {
                out.put(fc + "weight", new int[] {h, h}, e.fcW[l]);
            }
            out.put(fc + "bias", new int[] {h}, e.fcB[l]);
            String ln = prefix + "ln" + (l + 1) + ".";
            out.put(ln + "weight", new int[] {h}, e.lnW[l]);
            out.put(ln + "bias", new int[] {h}, e.lnB[l]);
        }
        out.put(prefix + "fc_mu.weight", new int[] {e.latent, h}, e.muW);
        out.put(prefix + "fc_mu.bias", new int[] {e.latent}, e.muB);
        out.put(prefix + "fc_logvar.weight", new int[] {e.latent, h}, e.lvW);
        out.put(prefix + "fc_logvar.bias", new int[] {e.latent}, e.lvB);
    }

    private static boolean readEncoder(Source in, String prefix, Encoder e, boolean required) {
        int h = e.hidden;
        int n = e.items;
        float[] w1 = new float[h * n];
        if (!in.copy(prefix + "fc1.weight", new int[] {h, n}, w1, required)) {
            return false;
        }
        for (int o = 0; o < h; o++) {
            for (int i = 0; i < n; i++) {
                e.fc1T[i * h + o] = w1[o * n + i];
            }
        }
        for (int l = 0; l < Encoder.LAYERS; l++) {
            String fc = prefix + "fc" + (l + 1) + ".";
            if (l > 0) {
                in.copy(fc + "weight", new int[] {h, h}, e.fcW[l], true);
            }
            in.copy(fc + "bias", new int[] {h}, e.fcB[l], true);
            in.copy(prefix + "ln" + (l + 1) + ".weight", new int[] {h}, e.lnW[l], true);
            in.copy(prefix + "ln" + (l + 1) + ".bias", new int[] {h}, e.lnB[l], true);
        }
        in.copy(prefix + "fc_mu.weight", new int[] {e.latent, h}, e.muW, true);
        in.copy(prefix + "fc_mu.bias", new int[] {e.latent}, e.muB, true);
        in.copy(prefix + "fc_logvar.weight", new int[] {e.latent, h}, e.lvW, true);
        in.copy(prefix + "fc_logvar.bias", new int[] {e.latent}, e.lvB, true);
        return true;
    }
}
