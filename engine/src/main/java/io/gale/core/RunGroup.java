package io.gale.core;

/** The runs of one DAG that share a max_active_runs limit: one backfill's, or (backfill null) its scheduled and manual runs. */
public record RunGroup(String dagId, Long backfillId) {
}
