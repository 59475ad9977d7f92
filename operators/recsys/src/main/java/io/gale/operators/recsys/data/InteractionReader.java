package io.gale.operators.recsys.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads interaction files: {@code uid,sid} pair files of a prepared split, and raw
 * {@code user,item[,rating[,timestamp]]} files (comma, tab or MovieLens {@code ::} separated,
 * gzip when the name ends in {@code .gz}) with a binarisation threshold.
 */
public final class InteractionReader {
    private InteractionReader() {
    }

    /** Reads a {@code uid,sid} CSV with a header line. Throws if the file holds no pair. */
    public static Interactions readPairs(Path file) {
        PairFile p = readPairs(file, Integer.MAX_VALUE);
        return new Interactions(p.users(), p.items());
    }

    /** Pairs with the 1-based line number each came from. */
    record PairFile(Path file, int[] users, int[] items, int[] lines) {
    }

    static PairFile readPairs(Path file, int itemLimit) {
        IntList users = new IntList();
        IntList items = new IntList();
        IntList lines = new IntList();
        try (BufferedReader in = open(file)) {
            String line = in.readLine();
            long lineNo = 1;
            if (line == null) {
                throw new DataFormatException(file, 1, "empty file, expected header 'uid,sid'");
            }
            if (!isHeader(line)) {
                throw new DataFormatException(file, 1, "expected header 'uid,sid', got '"
                        + abbreviate(line) + "'");
            }
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = fields(line);
                if (f.length != 2) {
                    throw new DataFormatException(file, lineNo, "expected 2 fields 'uid,sid', got "
                            + f.length + " in '" + abbreviate(line) + "'");
                }
                users.add(parseId(f[0], file, lineNo));
                int item = parseId(f[1], file, lineNo);
                if (item >= itemLimit) {
                    throw new DataFormatException(file, lineNo, "sid " + item
                            + " outside the " + itemLimit + " known items");
                }
                items.add(item);
                lines.add((int) lineNo);
            }
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
        if (users.size() == 0) {
            throw new DataFormatException(file, 1, "no interactions after the header (empty matrix)");
        }
        return new PairFile(file, users.toArray(), items.toArray(), lines.toArray());
    }

    /**
     * Reads raw {@code user,item[,rating[,timestamp]]} lines and keeps those with
     * {@code rating >= minRating} (lines without a rating are positives). A first line whose
     * first field is not a number is taken as a header.
     */
    public static Interactions readRatings(Path file, double minRating) {
        return readRatings(file, minRating, null).interactions();
    }

    /**
     * As {@link #readRatings(Path, double)}, for files whose lines all carry the fourth field, the
     * time of the interaction: Unix seconds (MovieLens) or an ISO-8601 instant.
     */
    public static StampedInteractions readStampedRatings(Path file, double minRating) {
        return readRatings(file, minRating, new long[1024]);
    }

    private static StampedInteractions readRatings(Path file, double minRating, long[] stampBuffer) {
        long[] stamps = stampBuffer;
        IntList users = new IntList();
        IntList items = new IntList();
        long lineNo = 0;
        long dataLines = 0;
        try (BufferedReader in = open(file)) {
            String line;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                String[] f = fields(line.strip());
                if (lineNo == 1 && !looksNumeric(f[0])) {
                    continue;
                }
                if (f.length < 2 || f.length > 4) {
                    throw new DataFormatException(file, lineNo,
                            "expected 'user,item[,rating[,timestamp]]', got '" + abbreviate(line) + "'");
                }
                dataLines++;
                int user = parseId(f[0], file, lineNo);
                int item = parseId(f[1], file, lineNo);
                if (f.length >= 3) {
                    double rating;
                    try {
                        rating = Double.parseDouble(f[2].strip());
                    } catch (NumberFormatException e) {
                        throw new DataFormatException(file, lineNo, "rating is not a number: '"
                                + abbreviate(f[2]) + "'");
                    }
                    if (!(rating >= minRating)) {
                        continue;
                    }
                }
                if (stamps != null) {
                    if (f.length < 4) {
                        throw new DataFormatException(file, lineNo, "expected 'user,item,rating,timestamp' (the time"
                                + " column is required here), got '" + abbreviate(line) + "'");
                    }
                    if (users.size() == stamps.length) {
                        stamps = Arrays.copyOf(stamps, stamps.length * 2);
                    }
                    stamps[users.size()] = parseTime(f[3].strip(), file, lineNo);
                }
                users.add(user);
                items.add(item);
            }
        } catch (IOException e) {
            throw ioFailure(file, e);
        }
        if (dataLines == 0) {
            throw new DataFormatException(file, Math.max(1, lineNo), "no interactions (empty matrix)");
        }
        if (users.size() == 0) {
            throw new DataFormatException(file, lineNo, "none of " + dataLines
                    + " ratings reaches the threshold " + minRating + " (empty matrix)");
        }
        return new StampedInteractions(users.toArray(), items.toArray(),
                stamps == null ? new long[users.size()] : Arrays.copyOf(stamps, users.size()));
    }

    /** Unix seconds, or an ISO-8601 instant such as {@code 2026-01-01T10:00:00Z}. */
    private static long parseTime(String s, Path file, long lineNo) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                return java.time.Instant.parse(s).getEpochSecond();
            } catch (java.time.format.DateTimeParseException e2) {
                throw new DataFormatException(file, lineNo, "timestamp is neither Unix seconds nor an ISO-8601 instant: '"
                        + abbreviate(s) + "'");
            }
        }
    }

    static BufferedReader open(Path file) throws IOException {
        InputStream raw;
        try {
            raw = Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file, 0, "file not found");
        }
        InputStream in = file.getFileName().toString().endsWith(".gz")
                ? new GZIPInputStream(raw, 1 << 16) : raw;
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.ISO_8859_1), 1 << 16);
    }

    static DataFormatException ioFailure(Path file, IOException e) {
        return new DataFormatException(file, 0, "cannot read: " + e.getMessage(), e);
    }

    static int parseId(String s, Path file, long lineNo) {
        String t = s.strip();
        try {
            int v = Integer.parseInt(t);
            if (v < 0) {
                throw new DataFormatException(file, lineNo, "negative id " + v);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, lineNo, "not an integer id: '" + abbreviate(t) + "'");
        }
    }

    private static String[] fields(String line) {
        if (line.contains("::")) {
            return line.split("::", -1);
        }
        if (line.indexOf('\t') >= 0) {
            return line.split("\t", -1);
        }
        return line.split(",", -1);
    }

    private static boolean isHeader(String line) {
        String[] f = fields(line.strip());
        return f.length == 2 && !looksNumeric(f[0]);
    }

    private static boolean looksNumeric(String s) {
        String t = s.strip();
        if (t.isEmpty()) {
            return false;
        }
        char c = t.charAt(0);
        return Character.isDigit(c) || c == '-' || c == '+';
    }

    static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    /** Growable int array. */
    static final class IntList {
        private int[] data = new int[1024];
        private int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
