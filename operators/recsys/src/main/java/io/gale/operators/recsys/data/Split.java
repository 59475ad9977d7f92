package io.gale.operators.recsys.data;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Strong-generalisation split (Mult-VAE / RecVAE protocol): training users with all their
 * items, and disjoint validation and test users whose items are split into a fold-in part
 * ({@code *In}, fed to the encoder) and a held-out part ({@code *Out}, scored).
 * All matrices share the same columns; {@code itemIds[c]} is the raw item id of column c.
 * Row r of {@code validationIn} and {@code validationOut} is the same user (likewise for test).
 */
public record Split(CsrMatrix train, CsrMatrix validationIn, CsrMatrix validationOut,
                    CsrMatrix testIn, CsrMatrix testOut, int[] itemIds) {

    /** Parameters of {@link #strongGeneralization}. */
    public record Options(int heldoutUsers, double heldoutFraction, int minItemsPerUser, long seed) {
        public Options {
            if (heldoutUsers < 1) {
                throw new IllegalArgumentException("heldoutUsers must be >= 1");
            }
            if (!(heldoutFraction > 0 && heldoutFraction < 1)) {
                throw new IllegalArgumentException("heldoutFraction must be in (0,1)");
            }
        }

        /** The reference protocol: 20% held out, users with >= 5 items, seed 98765. */
        public static Options of(int heldoutUsers) {
            return new Options(heldoutUsers, 0.2, 5, 98765L);
        }
    }

    public Split {
        int n = itemIds.length;
        for (CsrMatrix m : new CsrMatrix[] {train, validationIn, validationOut, testIn, testOut}) {
            if (m.cols() != n) {
                throw new IllegalArgumentException("matrix has " + m.cols() + " columns, expected " + n);
            }
        }
        if (validationIn.rows() != validationOut.rows() || testIn.rows() != testOut.rows()) {
            throw new IllegalArgumentException("fold-in and held-out row counts differ");
        }
    }

    public int numItems() {
        return itemIds.length;
    }

    /**
     * Splits a user x item matrix (raw item id = column index, raw user id = row index).
     * Empty rows count as users with no positives and are dropped by the minimum-items filter.
     */
    public static Split strongGeneralization(CsrMatrix matrix, Options options) {
        int[] users = new int[matrix.nnz()];
        for (int r = 0; r < matrix.rows(); r++) {
            Arrays.fill(users, matrix.indptr()[r], matrix.indptr()[r + 1], r);
        }
        return strongGeneralization(new Interactions(users, matrix.indices().clone()), options);
    }

    /**
     * Splits positive pairs: keeps users with at least {@code minItemsPerUser} distinct items,
     * shuffles them with the seed, takes the last {@code 2 * heldoutUsers} as validation then test
     * users; items are those of the training users (ascending raw id). Each held-out user's items
     * on known items are split (ascending raw user id, one generator per group, seeded alike):
     * {@code (int) (heldoutFraction * n)} random items are held out when {@code n >= 5},
     * otherwise all stay in the fold-in part. Held-out users left without any known item are dropped.
     */
    public static Split strongGeneralization(Interactions positives, Options options) {
        int[] userIds = distinct(positives.users());
        int[] itemIdsAll = distinct(positives.items());
        int[] rowOf = new int[positives.size()];
        int[] colOf = new int[positives.size()];
        for (int i = 0; i < positives.size(); i++) {
            rowOf[i] = Arrays.binarySearch(userIds, positives.users()[i]);
            colOf[i] = Arrays.binarySearch(itemIdsAll, positives.items()[i]);
        }
        CsrMatrix all = CsrMatrix.fromPairs(userIds.length, itemIdsAll.length, rowOf, colOf);

        int kept = 0;
        int[] keptRows = new int[all.rows()];
        for (int r = 0; r < all.rows(); r++) {
            if (all.rowNnz(r) >= options.minItemsPerUser()) {
                keptRows[kept++] = r;
            }
        }
        int h = options.heldoutUsers();
        if (kept <= 2 * h) {
            throw new IllegalArgumentException("only " + kept + " users have >= "
                    + options.minItemsPerUser() + " items; need more than 2 x " + h + " held-out users");
        }
        keptRows = Arrays.copyOf(keptRows, kept);
        SplittableRandom rng = new SplittableRandom(options.seed());
        int[] perm = keptRows.clone();
        for (int i = perm.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        int nTrain = kept - 2 * h;
        int[] trainRows = Arrays.copyOfRange(perm, 0, nTrain);
        int[] validRows = Arrays.copyOfRange(perm, nTrain, nTrain + h);
        int[] testRows = Arrays.copyOfRange(perm, nTrain + h, kept);

        // items of the training users, ascending raw id -> column
        boolean[] seen = new boolean[all.cols()];
        for (int r : trainRows) {
            for (int p = all.indptr()[r]; p < all.indptr()[r + 1]; p++) {
                seen[all.indices()[p]] = true;
            }
        }
        int[] newCol = new int[all.cols()];
        int nItems = 0;
        for (int c = 0; c < all.cols(); c++) {
            newCol[c] = seen[c] ? nItems++ : -1;
        }
        int[] itemIds = new int[nItems];
        for (int c = 0; c < all.cols(); c++) {
            if (seen[c]) {
                itemIds[newCol[c]] = itemIdsAll[c];
            }
        }
        CsrMatrix train = remap(all, trainRows, newCol, nItems);
        CsrMatrix[] valid = foldIn(all, validRows, newCol, nItems, options);
        CsrMatrix[] test = foldIn(all, testRows, newCol, nItems, options);
        return new Split(train, valid[0], valid[1], test[0], test[1], itemIds);
    }

    private static CsrMatrix remap(CsrMatrix all, int[] rows, int[] newCol, int nItems) {
        CsrMatrix sub = all.selectRows(rows);
        int[] ptr = new int[sub.rows() + 1];
        int[] idx = new int[sub.nnz()];
        int n = 0;
        for (int r = 0; r < sub.rows(); r++) {
            for (int p = sub.indptr()[r]; p < sub.indptr()[r + 1]; p++) {
                int c = newCol[sub.indices()[p]];
                if (c >= 0) {
                    idx[n++] = c;
                }
            }
            ptr[r + 1] = n;
        }
        return new CsrMatrix(sub.rows(), nItems, ptr, Arrays.copyOf(idx, n));
    }

    /** Returns {fold-in, held-out}; rows follow the shuffled order, draws follow raw user order. */
    private static CsrMatrix[] foldIn(CsrMatrix all, int[] rows, int[] newCol, int nItems,
                                      Options options) {
        CsrMatrix known = remap(all, rows, newCol, nItems);
        Integer[] byRawId = new Integer[rows.length];
        for (int i = 0; i < rows.length; i++) {
            byRawId[i] = i;
        }
        Arrays.sort(byRawId, (a, b) -> Integer.compare(rows[a], rows[b]));
        boolean[][] out = new boolean[rows.length][];
        SplittableRandom rng = new SplittableRandom(options.seed());
        for (int i : byRawId) {
            int n = known.rowNnz(i);
            out[i] = new boolean[n];
            if (n >= 5) {
                int size = (int) (options.heldoutFraction() * n);
                int[] pool = new int[n];
                for (int k = 0; k < n; k++) {
                    pool[k] = k;
                }
                for (int k = 0; k < size; k++) {
                    int j = k + rng.nextInt(n - k);
                    int t = pool[k];
                    pool[k] = pool[j];
                    pool[j] = t;
                    out[i][pool[k]] = true;
                }
            }
        }
        int keptUsers = 0;
        for (int i = 0; i < rows.length; i++) {
            if (known.rowNnz(i) > 0) {
                keptUsers++;
            }
        }
        int[] inPtr = new int[keptUsers + 1];
        int[] outPtr = new int[keptUsers + 1];
        int[] inIdx = new int[known.nnz()];
        int[] outIdx = new int[known.nnz()];
        int r = 0;
        int ni = 0;
        int no = 0;
        for (int i = 0; i < rows.length; i++) {
            if (known.rowNnz(i) == 0) {
                continue;
            }
            int base = known.indptr()[i];
            for (int k = 0; k < known.rowNnz(i); k++) {
                if (out[i][k]) {
                    outIdx[no++] = known.indices()[base + k];
                } else {
                    inIdx[ni++] = known.indices()[base + k];
                }
            }
            r++;
            inPtr[r] = ni;
            outPtr[r] = no;
        }
        return new CsrMatrix[] {
            new CsrMatrix(keptUsers, nItems, inPtr, Arrays.copyOf(inIdx, ni)),
            new CsrMatrix(keptUsers, nItems, outPtr, Arrays.copyOf(outIdx, no))
        };
    }

    private static int[] distinct(int[] values) {
        int[] s = values.clone();
        Arrays.sort(s);
        int n = 0;
        for (int i = 0; i < s.length; i++) {
            if (i == 0 || s[i] != s[i - 1]) {
                s[n++] = s[i];
            }
        }
        return Arrays.copyOf(s, n);
    }

    /**
     * Reads a split directory written by {@code make_split.py}: {@code unique_sid.txt},
     * {@code train.csv}, {@code validation_tr.csv}, {@code validation_te.csv}, {@code test_tr.csv},
     * {@code test_te.csv}. Rows are the distinct uids of each part in ascending order.
     */
    public static Split read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir, 0, Files.exists(dir) ? "not a directory: give the split directory"
                    : "data directory not found");
        }
        int[] itemIds = readItemIds(dir.resolve("unique_sid.txt"));
        int n = itemIds.length;
        var trainFile = InteractionReader.readPairs(dir.resolve("train.csv"), n);
        int[] trainUsers = distinct(trainFile.users());
        CsrMatrix train = toMatrix(trainFile, trainUsers, n);
        CsrMatrix[] valid = readHeldOut(dir.resolve("validation_tr.csv"), dir.resolve("validation_te.csv"), n);
        CsrMatrix[] test = readHeldOut(dir.resolve("test_tr.csv"), dir.resolve("test_te.csv"), n);
        return new Split(train, valid[0], valid[1], test[0], test[1], itemIds);
    }

    /**
     * Writes the split in the format {@link #read} reads: uids are row numbers (training users
     * first, then validation, then test users), sids are columns, {@code unique_sid.txt} holds
     * the raw item id of each column. Held-out users without a held-out item are left out.
     * Returns {@code dir}.
     */
    public Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("unique_sid.txt"), StandardCharsets.UTF_8)) {
                for (int id : itemIds) {
                    out.write(id + "\n");
                }
            }
            try (BufferedWriter out = Files.newBufferedWriter(dir.resolve("train.csv"), StandardCharsets.UTF_8)) {
                out.write("uid,sid\n");
                for (int r = 0; r < train.rows(); r++) {
                    for (int c : train.row(r)) {
                        out.write(r + "," + c + "\n");
                    }
                }
            }
            int next = writeHeldOut(dir, "validation", validationIn, validationOut, train.rows());
            writeHeldOut(dir, "test", testIn, testOut, next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the split to " + dir, e);
        }
        return dir;
    }

    private static int writeHeldOut(Path dir, String part, CsrMatrix in, CsrMatrix out, int firstUid) throws IOException {
        int uid = firstUid;
        try (BufferedWriter tr = Files.newBufferedWriter(dir.resolve(part + "_tr.csv"), StandardCharsets.UTF_8);
             BufferedWriter te = Files.newBufferedWriter(dir.resolve(part + "_te.csv"), StandardCharsets.UTF_8)) {
            tr.write("uid,sid\n");
            te.write("uid,sid\n");
            for (int r = 0; r < in.rows(); r++) {
                if (in.rowNnz(r) == 0 || out.rowNnz(r) == 0) {
                    continue;
                }
                for (int c : in.row(r)) {
                    tr.write(uid + "," + c + "\n");
                }
                for (int c : out.row(r)) {
                    te.write(uid + "," + c + "\n");
                }
                uid++;
            }
        }
        return uid;
    }

    private static CsrMatrix[] readHeldOut(Path trFile, Path teFile, int n) {
        var tr = InteractionReader.readPairs(trFile, n);
        var te = InteractionReader.readPairs(teFile, n);
        int[] users = distinct(tr.users());
        int[] teUsers = distinct(te.users());
        for (int i = 0; i < tr.users().length; i++) {
            if (Arrays.binarySearch(teUsers, tr.users()[i]) < 0) {
                throw new DataFormatException(trFile, tr.lines()[i], "held-out user " + tr.users()[i]
                        + " has no items in " + teFile.getFileName());
            }
        }
        for (int i = 0; i < te.users().length; i++) {
            if (Arrays.binarySearch(users, te.users()[i]) < 0) {
                throw new DataFormatException(teFile, te.lines()[i], "held-out user " + te.users()[i]
                        + " has no fold-in items in " + trFile.getFileName());
            }
        }
        return new CsrMatrix[] {toMatrix(tr, users, n), toMatrix(te, users, n)};
    }

    private static CsrMatrix toMatrix(InteractionReader.PairFile f, int[] users, int n) {
        int[] rows = new int[f.users().length];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.binarySearch(users, f.users()[i]);
        }
        return CsrMatrix.fromPairs(users.length, n, rows, f.items());
    }

    private static int[] readItemIds(Path file) {
        InteractionReader.IntList ids = new InteractionReader.IntList();
        try (BufferedReader in = InteractionReader.open(file)) {
            String line;
            long lineNo = 0;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    throw new DataFormatException(file, lineNo, "blank line: expected one item id per line");
                }
                ids.add(InteractionReader.parseId(line, file, lineNo));
            }
        } catch (IOException e) {
            throw InteractionReader.ioFailure(file, e);
        }
        if (ids.size() == 0) {
            throw new DataFormatException(file, 1, "no item ids (empty matrix)");
        }
        return ids.toArray();
    }
}
