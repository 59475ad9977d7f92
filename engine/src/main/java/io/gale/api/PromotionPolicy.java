package io.gale.api;

import java.util.Locale;
import java.util.Optional;

/**
 * When a newly registered version becomes production, chosen per DAG/model.
 * {@link Rule#BEST_SCORE} (the default): when its score is at least production's (a tie goes to the
 * newer). {@link Rule#LATEST}: always, as MLflow users tag the newest version. Either may be gated by
 * a minimum score and by a tolerance: not worse than production by more than {@code maxRegression}.
 * Promoting archives the previous production version.
 *
 * @param rule          which rule
 * @param minScore      the lowest score that may be promoted, or null for none
 * @param maxRegression how much lower than production's the score may be, or null for no limit
 */
public record PromotionPolicy(Rule rule, Double minScore, Double maxRegression) {

    /** The two promotion rules. */
    public enum Rule {
        BEST_SCORE("best_score"),
        LATEST("latest");

        private final String id;

        Rule(String id) {
            this.id = id;
        }

        /** The name used in params and output. */
        public String id() {
            return id;
        }

        /** The rule named {@code id} ({@code best_score} or {@code latest}). */
        public static Rule of(String id) {
            for (Rule r : values()) {
                if (r.id.equals(id)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("unknown promotion policy '" + id + "': use best_score or latest");
        }
    }

    public PromotionPolicy {
        if (rule == null) {
            throw new IllegalArgumentException("a promotion policy needs a rule (best_score or latest)");
        }
        if (minScore != null && !Double.isFinite(minScore)) {
            throw new IllegalArgumentException("promotion gate: minimum score must be a finite number, got " + minScore);
        }
        if (maxRegression != null && !(maxRegression >= 0 && Double.isFinite(maxRegression))) {
            throw new IllegalArgumentException("promotion gate: the tolerated regression must be >= 0, got " + maxRegression);
        }
    }

    /** Score at least production's wins; a tie goes to the newer version. */
    public static PromotionPolicy bestScore() {
        return new PromotionPolicy(Rule.BEST_SCORE, null, null);
    }

    /** The newest version always wins (subject to the gates). */
    public static PromotionPolicy latest() {
        return new PromotionPolicy(Rule.LATEST, null, null);
    }

    /** This policy, refusing versions that score below {@code min}. */
    public PromotionPolicy withMinScore(double min) {
        return new PromotionPolicy(rule, min, maxRegression);
    }

    /** This policy, refusing versions that score lower than production's by more than {@code epsilon}. */
    public PromotionPolicy withMaxRegression(double epsilon) {
        return new PromotionPolicy(rule, minScore, epsilon);
    }

    /** Whether a candidate becomes production, and why, in one line. */
    public record Decision(boolean promote, String reason) {
    }

    /** The decision for a candidate scoring {@code score} against the production version, if any. */
    public Decision decide(double score, Optional<ModelVersion> production) {
        if (minScore != null && score < minScore) {
            return new Decision(false, String.format(Locale.ROOT, "score %s is below the minimum %s", num(score), num(minScore)));
        }
        if (production.isEmpty()) {
            return new Decision(true, "no production version yet");
        }
        ModelVersion p = production.get();
        if (maxRegression != null && score < p.score() - maxRegression) {
            return new Decision(false, String.format(Locale.ROOT, "score %s is worse than production version %d (%s) by more than %s",
                    num(score), p.version(), num(p.score()), num(maxRegression)));
        }
        if (rule == Rule.LATEST) {
            return new Decision(true, "policy latest: the newest version replaces version " + p.version());
        }
        if (score >= p.score()) {
            return new Decision(true, String.format(Locale.ROOT, "score %s is at least production version %d's (%s)",
                    num(score), p.version(), num(p.score())));
        }
        return new Decision(false, String.format(Locale.ROOT, "score %s is below production version %d's (%s), which stays",
                num(score), p.version(), num(p.score())));
    }

    private static String num(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    @Override
    public String toString() {
        return rule.id() + (minScore == null ? "" : ", min score " + num(minScore))
                + (maxRegression == null ? "" : ", at most " + num(maxRegression) + " below production");
    }
}
