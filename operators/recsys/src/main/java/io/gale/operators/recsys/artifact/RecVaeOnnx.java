package io.gale.operators.recsys.artifact;

import ai.onnx.proto.OnnxMl;
import io.gale.operators.recsys.model.RecVae;
import io.gale.operators.recsys.model.StateDict;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tribuo.util.onnx.ONNXContext;
import org.tribuo.util.onnx.ONNXInitializer;
import org.tribuo.util.onnx.ONNXOperators;
import org.tribuo.util.onnx.ONNXPlaceholder;
import org.tribuo.util.onnx.ONNXRef;

/**
 * Exports what scoring needs of a RecVAE model, encoder and decoder, as an ONNX model built with
 * Tribuo's ONNX writer (opset 13): input {@value #INPUT} [users, items], a user's history as 0/1 in
 * the model's item columns (the sidecar's {@code item_ids} order); output {@value #OUTPUT}
 * [users, items], the decoder's logits with z = mu (no sampling, no dropout), exactly what
 * {@link RecVaeRecommender} ranks. The graph spells out the reference encoder: L2-normalised input,
 * five dense-residual layers of Gemm, swish and LayerNorm, the mu head, then the linear decoder.
 */
public final class RecVaeOnnx {

    /** Name of the input tensor. */
    public static final String INPUT = "history";
    /** Name of the output tensor. */
    public static final String OUTPUT = "scores";

    private RecVaeOnnx() {
    }

    /** The ONNX file of a weights file: same base name with {@code .onnx}. */
    public static Path onnxOf(Path weights) {
        String name = weights.getFileName().toString();
        String base = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        return weights.resolveSibling(base + ".onnx");
    }

    /** Writes the model to {@code file} (replaced whole when complete). */
    public static void write(Path file, RecVae model) {
        OnnxMl.ModelProto proto = build(model);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                proto.writeTo(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new ModelFormatException(file, "cannot write ONNX model: " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // a leftover temporary file beside the model
            }
        }
    }

    /** The ONNX model of {@code model}. */
    public static OnnxMl.ModelProto build(RecVae model) {
        Map<String, float[]> data = new HashMap<>();
        Map<String, int[]> shapes = new HashMap<>();
        StateDict.write(model, (name, shape, values) -> {
            if (name.startsWith("encoder.") || name.startsWith("decoder.")) {
                data.put(name, values.clone());
                shapes.put(name, shape.clone());
            }
        });
        ONNXContext ctx = new ONNXContext();
        ctx.setName("recvae");
        int items = model.items();
        ONNXPlaceholder input = ctx.floatInput(INPUT, items);
        ONNXPlaceholder output = ctx.floatOutput(OUTPUT, items);
        Graph g = new Graph(ctx, data, shapes);

        // F.normalize(x): x / max(||x||_2, 1e-12); the history is 0/1, so ||x|| is 0 or >= 1
        ONNXRef<?> sumSq = g.op("sum_sq", ONNXOperators.REDUCE_SUM, Map.of("keepdims", 1),
                g.op("sq", ONNXOperators.MUL, input, input), ctx.array("reduce_axes", new long[] {1}));
        ONNXRef<?> norm = g.op("norm", ONNXOperators.ADD, g.op("sqrt_sum_sq", ONNXOperators.POW, sumSq, g.half()),
                ctx.constant("tiny", 1e-12f));
        ONNXRef<?> x = g.op("x", ONNXOperators.DIV, input, norm);

        ONNXInitializer lnEps = ctx.constant("ln_eps", (float) model.config().layerNormEps());
        ONNXRef<?> residual = null;
        ONNXRef<?> h = x;
        for (int l = 1; l <= 5; l++) {
            ONNXRef<?> a = g.linear(h, "encoder.fc" + l);
            if (residual != null) {
                a = g.op("fc" + l + "_res", ONNXOperators.ADD, a, residual);
            }
            ONNXRef<?> s = g.op("swish" + l, ONNXOperators.MUL, a, g.op("sigmoid" + l, ONNXOperators.SIGMOID, a));
            h = g.layerNorm(s, l, lnEps);
            residual = residual == null ? h : g.op("sum_h" + l, ONNXOperators.ADD, residual, h);
        }
        ONNXRef<?> mu = g.linear(h, "encoder.fc_mu");
        g.linear(mu, "decoder").assignTo(output);

        return OnnxMl.ModelProto.newBuilder()
                .setGraph(ctx.buildGraph())
                .setIrVersion(8)
                .addOpsetImport(ONNXOperators.getOpsetProto())
                .setProducerName("Gale")
                .setDomain("io.gale")
                .setModelVersion(1)
                .setDocString("RecVAE encoder + decoder: " + INPUT + " [users, items] 0/1 -> " + OUTPUT
                        + " [users, items] logits")
                .build();
    }

    /**
     * Builds the graph with short node names: Tribuo derives a node's output name from its inputs'
     * names, which grows with the depth of the graph unless every node is named.
     */
    private record Graph(ONNXContext ctx, Map<String, float[]> data, Map<String, int[]> shapes, ONNXInitializer[] halfRef) {

        Graph(ONNXContext ctx, Map<String, float[]> data, Map<String, int[]> shapes) {
            this(ctx, data, shapes, new ONNXInitializer[1]);
        }

        ONNXInitializer half() {
            if (halfRef[0] == null) {
                halfRef[0] = ctx.constant("half", 0.5f);
            }
            return halfRef[0];
        }

        ONNXRef<?> op(String name, ONNXOperators op, ONNXRef<?> first, ONNXRef<?>... rest) {
            return op(name, op, Map.of(), first, rest);
        }

        ONNXRef<?> op(String name, ONNXOperators op, Map<String, Object> attributes, ONNXRef<?> first, ONNXRef<?>... rest) {
            return first.apply(op, List.of(rest), List.of(name), attributes).get(0);
        }

        ONNXInitializer tensor(String name) {
            float[] v = data.get(name);
            int[] shape = shapes.get(name);
            if (v == null) {
                throw new IllegalStateException("no tensor " + name + " in the model's state_dict");
            }
            return shape.length == 1 ? ctx.array(name, v)
                    : ctx.floatTensor(name, List.of(shape[0], shape[1]), fb -> fb.put(v));
        }

        /** y = x W^T + b with W [out, in] (PyTorch's nn.Linear). */
        ONNXRef<?> linear(ONNXRef<?> x, String prefix) {
            return op(prefix.replace('.', '_'), ONNXOperators.GEMM, Map.of("transB", 1), x,
                    tensor(prefix + ".weight"), tensor(prefix + ".bias"));
        }

        /** Row-wise LayerNorm with biased variance: g * (x - mean) / sqrt(var + eps) + b. */
        ONNXRef<?> layerNorm(ONNXRef<?> x, int l, ONNXInitializer eps) {
            String p = "ln" + l;
            Map<String, Object> rows = Map.of("axes", new int[] {1}, "keepdims", 1);
            ONNXRef<?> centred = op(p + "_centred", ONNXOperators.SUB, x, op(p + "_mean", ONNXOperators.REDUCE_MEAN, rows, x));
            ONNXRef<?> var = op(p + "_var", ONNXOperators.REDUCE_MEAN, rows, op(p + "_sq", ONNXOperators.MUL, centred, centred));
            ONNXRef<?> std = op(p + "_std", ONNXOperators.POW, op(p + "_var_eps", ONNXOperators.ADD, var, eps), half());
            ONNXRef<?> scaled = op(p + "_scaled", ONNXOperators.MUL, op(p + "_xhat", ONNXOperators.DIV, centred, std),
                    tensor("encoder." + p + ".weight"));
            return op(p, ONNXOperators.ADD, scaled, tensor("encoder." + p + ".bias"));
        }
    }
}
