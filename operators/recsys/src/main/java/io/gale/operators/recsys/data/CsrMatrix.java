package io.gale.operators.recsys.data;

import java.util.Arrays;

/**
 * Binary sparse matrix in compressed sparse row form: row {@code r} holds the column indices
 * {@code indices[indptr[r] .. indptr[r+1])}, sorted ascending and without duplicates.
 */
public final class CsrMatrix {
    private final int rows;
    private final int cols;
    private final int[] indptr;
    private final int[] indices;

    /** Wraps the arrays (not copied) after checking their shape and ordering. */
    public CsrMatrix(int rows, int cols, int[] indptr, int[] indices) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape " + rows + "x" + cols);
        }
        if (indptr.length != rows + 1 || indptr[0] != 0 || indptr[rows] != indices.length) {
            throw new IllegalArgumentException("indptr does not match " + rows + " rows and "
                    + indices.length + " nonzeros");
        }
        for (int r = 0; r < rows; r++) {
            int prev = -1;
            if (indptr[r + 1] < indptr[r]) {
                throw new IllegalArgumentException("indptr decreases at row " + r);
            }
            for (int p = indptr[r]; p < indptr[r + 1]; p++) {
                int c = indices[p];
                if (c <= prev || c >= cols) {
                    throw new IllegalArgumentException("row " + r + ": column " + c
                            + " out of order or out of range [0," + cols + ")");
                }
                prev = c;
            }
        }
        this.rows = rows;
        this.cols = cols;
        this.indptr = indptr;
        this.indices = indices;
    }

    /**
     * Builds a matrix from (row, col) pairs; duplicates are merged. Pairs may come in any order.
     */
    public static CsrMatrix fromPairs(int rows, int cols, int[] rowIds, int[] colIds) {
        if (rowIds.length != colIds.length) {
            throw new IllegalArgumentException("row and column arrays differ in length");
        }
        int[] counts = new int[rows + 1];
        for (int i = 0; i < rowIds.length; i++) {
            int r = rowIds[i];
            int c = colIds[i];
            if (r < 0 || r >= rows || c < 0 || c >= cols) {
                throw new IllegalArgumentException("pair (" + r + "," + c + ") outside "
                        + rows + "x" + cols);
            }
            counts[r + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            counts[r + 1] += counts[r];
        }
        int[] fill = Arrays.copyOf(counts, rows);
        int[] raw = new int[rowIds.length];
        for (int i = 0; i < rowIds.length; i++) {
            raw[fill[rowIds[i]]++] = colIds[i];
        }
        int[] indptr = new int[rows + 1];
        int nnz = 0;
        for (int r = 0; r < rows; r++) {
            int from = counts[r];
            int to = counts[r + 1];
            Arrays.sort(raw, from, to);
            for (int p = from; p < to; p++) {
                if (p == from || raw[p] != raw[p - 1]) {
                    raw[nnz++] = raw[p];
                }
            }
            indptr[r + 1] = nnz;
        }
        return new CsrMatrix(rows, cols, indptr, Arrays.copyOf(raw, nnz));
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Row pointers, length {@code rows + 1}; do not modify. */
    public int[] indptr() {
        return indptr;
    }

    /** Column indices of all nonzeros, row after row; do not modify. */
    public int[] indices() {
        return indices;
    }

    public int nnz() {
        return indices.length;
    }

    public int rowNnz(int r) {
        return indptr[r + 1] - indptr[r];
    }

    /** Copy of the column indices of row {@code r}. */
    public int[] row(int r) {
        return Arrays.copyOfRange(indices, indptr[r], indptr[r + 1]);
    }

    /** New matrix made of the given rows, in the given order. */
    public CsrMatrix selectRows(int[] rowIds) {
        int[] ptr = new int[rowIds.length + 1];
        for (int i = 0; i < rowIds.length; i++) {
            ptr[i + 1] = ptr[i] + rowNnz(rowIds[i]);
        }
        int[] idx = new int[ptr[rowIds.length]];
        for (int i = 0; i < rowIds.length; i++) {
            System.arraycopy(indices, indptr[rowIds[i]], idx, ptr[i], rowNnz(rowIds[i]));
        }
        return new CsrMatrix(rowIds.length, cols, ptr, idx);
    }

    /** Whether row {@code r} contains column {@code c}. */
    public boolean contains(int r, int c) {
        return Arrays.binarySearch(indices, indptr[r], indptr[r + 1], c) >= 0;
    }

    @Override
    public String toString() {
        return "CsrMatrix[" + rows + "x" + cols + ", nnz=" + nnz() + "]";
    }
}
