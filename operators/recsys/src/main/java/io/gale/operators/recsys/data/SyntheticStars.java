package io.gale.operators.recsys.data;

import java.time.Instant;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A deterministic GitHub-stars-like data set: users star repositories. Repository popularity
 * follows a power law (Zipf, exponent {@code popularityExponent}); repository {@code r} belongs
 * to taste cluster {@code r % clusters} and each user has one cluster, from which a share
 * {@code clusterAffinity} of their stars is drawn (the rest from all repositories). Star counts
 * per user are heavy-tailed (Pareto) between {@code minStars} and {@code maxStars}.
 * The same options always give the same pairs.
 */
public final class SyntheticStars {

    /** Parameters of {@link #generate}. */
    public record Options(int users, int repositories, int clusters, double popularityExponent,
                          double clusterAffinity, int minStars, int maxStars, long seed) {
        public Options {
            if (users < 1 || repositories < 1 || clusters < 1 || clusters > repositories) {
                throw new IllegalArgumentException("need users, repositories >= 1 and 1 <= clusters <= repositories");
            }
            if (minStars < 1 || maxStars < minStars || maxStars > repositories) {
                throw new IllegalArgumentException("need 1 <= minStars <= maxStars <= repositories");
            }
            if (!(clusterAffinity >= 0 && clusterAffinity <= 1) || !(popularityExponent >= 0)) {
                throw new IllegalArgumentException("clusterAffinity must be in [0,1], popularityExponent >= 0");
            }
        }

        /** 3,000 users, 1,500 repositories, 12 clusters, Zipf 1.0, 80% in-cluster stars, 8-120 stars. */
        public static Options defaults(long seed) {
            return new Options(3000, 1500, 12, 1.0, 0.8, 8, 120, seed);
        }

        public Options withSize(int users, int repositories) {
            return new Options(users, repositories, clusters, popularityExponent, clusterAffinity, minStars,
                    Math.min(maxStars, repositories), seed);
        }
    }

    private SyntheticStars() {
    }

    /** The cluster of a repository. */
    public static int clusterOf(int repository, Options options) {
        return repository % options.clusters();
    }

    /** Distinct (user, repository) stars; user ids 0..users-1, repository ids 0..repositories-1. */
    public static Interactions generate(Options o) {
        SplittableRandom rng = new SplittableRandom(o.seed());
        int[] rank = new int[o.repositories()];
        for (int i = 0; i < rank.length; i++) {
            rank[i] = i;
        }
        for (int i = rank.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = rank[i];
            rank[i] = rank[j];
            rank[j] = t;
        }
        double[] weight = new double[o.repositories()];
        for (int r = 0; r < weight.length; r++) {
            weight[r] = Math.pow(rank[r] + 1, -o.popularityExponent());
        }
        double[] all = cumulative(weight, r -> true);
        double[][] byCluster = new double[o.clusters()][];
        for (int c = 0; c < o.clusters(); c++) {
            int cluster = c;
            byCluster[c] = cumulative(weight, r -> clusterOf(r, o) == cluster);
        }
        InteractionReader.IntList users = new InteractionReader.IntList();
        InteractionReader.IntList items = new InteractionReader.IntList();
        boolean[] starred = new boolean[o.repositories()];
        int[] mine = new int[o.maxStars()];
        for (int u = 0; u < o.users(); u++) {
            int cluster = rng.nextInt(o.clusters());
            double pareto = o.minStars() / Math.pow(1 - rng.nextDouble(), 1 / 1.2);
            int n = (int) Math.min(o.maxStars(), Math.floor(pareto));
            int have = 0;
            for (int attempt = 0; have < n && attempt < 20 * n; attempt++) {
                double[] cdf = rng.nextDouble() < o.clusterAffinity() ? byCluster[cluster] : all;
                int r = draw(cdf, rng);
                if (!starred[r]) {
                    starred[r] = true;
                    mine[have++] = r;
                }
            }
            Arrays.sort(mine, 0, have);
            for (int k = 0; k < have; k++) {
                users.add(u);
                items.add(mine[k]);
                starred[mine[k]] = false;
            }
        }
        return new Interactions(users.toArray(), items.toArray());
    }

    /**
     * {@link #generate} with a time for every star, uniform between {@code start} and {@code end}, so
     * the data grows steadily over the span (and a user appears with their first star). The pairs
     * are those of {@link #generate} with the same options; the times come from a generator of their
     * own (the same options and span always give the same times).
     */
    public static StampedInteractions generateStamped(Options o, Instant start, Instant end) {
        if (!start.isBefore(end)) {
            throw new IllegalArgumentException("synthetic time span must be non-empty: " + start + " .. " + end);
        }
        Interactions pairs = generate(o);
        SplittableRandom rng = new SplittableRandom(o.seed() * 0x9E3779B97F4A7C15L + 1);
        long lo = start.getEpochSecond();
        long span = end.getEpochSecond() - lo;
        long[] stamps = new long[pairs.size()];
        for (int i = 0; i < stamps.length; i++) {
            stamps[i] = lo + (long) (rng.nextDouble() * span);
        }
        return new StampedInteractions(pairs.users(), pairs.items(), stamps);
    }

    private static double[] cumulative(double[] weight, java.util.function.IntPredicate include) {
        double[] cdf = new double[weight.length];
        double sum = 0;
        for (int r = 0; r < weight.length; r++) {
            sum += include.test(r) ? weight[r] : 0;
            cdf[r] = sum;
        }
        return cdf;
    }

    private static int draw(double[] cdf, SplittableRandom rng) {
        double x = rng.nextDouble() * cdf[cdf.length - 1];
        int i = Arrays.binarySearch(cdf, x);
        i = i >= 0 ? i + 1 : -i - 1;
        while (i < cdf.length - 1 && (i == 0 ? cdf[0] : cdf[i] - cdf[i - 1]) == 0) {
            i++;
        }
        return Math.min(i, cdf.length - 1);
    }
}
