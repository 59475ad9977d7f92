package io.gale.operators.recsys.artifact;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.gale.operators.recsys.model.EpochStats;
import io.gale.operators.recsys.model.RecVaeConfig;
import java.util.List;
import java.util.Map;

/**
 * JSON sidecar of a saved model: hyper-parameters, item-id mapping ({@code itemIds[c]} is the raw
 * item id of model column c), metrics, best epoch and per-epoch history.
 */
public record RecVaeSidecar(@JsonProperty("format") String format,
                            @JsonProperty("weights_file") String weightsFile,
                            @JsonProperty("config") RecVaeConfig config,
                            @JsonProperty("items") int items,
                            @JsonProperty("item_ids") int[] itemIds,
                            @JsonProperty("metrics") Map<String, Double> metrics,
                            @JsonProperty("best_epoch") int bestEpoch,
                            @JsonProperty("history") List<EpochStats> history,
                            @JsonProperty("blas") String blas) {
    /** Format tag written into every sidecar. */
    public static final String FORMAT = "gale-recvae/1";
}
