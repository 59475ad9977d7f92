package io.gale.web.ui;

import io.gale.core.SerializedDag;
import io.gale.core.SerializedTask;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A DAG's tasks and edges laid out for an SVG drawn on the server: each task in the column of its
 * longest path from a root (upstream on the left), stacked in topological order within a column.
 */
public final class GraphLayout {

    static final int NODE_W = 160;
    static final int NODE_H = 34;
    static final int GAP_X = 60;
    static final int GAP_Y = 18;
    static final int MARGIN = 10;

    private GraphLayout() {
    }

    /** A task's box: top-left corner, its state (CSS class), link and hover text. */
    public record Node(String taskId, int x, int y, int textX, int textY, String state, String href, String title) {
    }

    /** An edge from the right side of the upstream box to the left side of the downstream box. */
    public record Edge(String from, String to, int x1, int y1, int x2, int y2) {
    }

    /** The laid-out graph with the SVG's size. */
    public record Graph(int width, int height, List<Node> nodes, List<Edge> edges) {
    }

    /**
     * Lays out {@code dag}; {@code state} gives a task's state to colour it by (e.g. in the latest
     * run), {@code href} the link of its box.
     */
    public static Graph of(SerializedDag dag, Function<String, String> state, Function<String, String> href) {
        Map<String, Integer> column = new HashMap<>();
        Map<Integer, Integer> rows = new HashMap<>();
        Map<String, int[]> at = new HashMap<>();
        List<Node> nodes = new ArrayList<>();
        int width = 0;
        int height = 0;
        for (SerializedTask t : dag.tasks()) { // topological order: upstream tasks come first
            int c = t.upstreamIds().stream().mapToInt(u -> column.getOrDefault(u, 0) + 1).max().orElse(0);
            column.put(t.id(), c);
            int r = rows.merge(c, 1, Integer::sum) - 1;
            int x = MARGIN + c * (NODE_W + GAP_X);
            int y = MARGIN + r * (NODE_H + GAP_Y);
            at.put(t.id(), new int[] {x, y});
            String s = state.apply(t.id());
            nodes.add(new Node(t.id(), x, y, x + 10, y + NODE_H / 2 + 5, s, href.apply(t.id()),
                    t.id() + " (" + t.operatorName() + ", trigger rule " + t.triggerRule() + "): " + s));
            width = Math.max(width, x + NODE_W + MARGIN);
            height = Math.max(height, y + NODE_H + MARGIN);
        }
        List<Edge> edges = new ArrayList<>();
        for (SerializedTask t : dag.tasks()) {
            int[] to = at.get(t.id());
            for (String u : t.upstreamIds()) {
                int[] from = at.get(u);
                if (from != null) {
                    edges.add(new Edge(u, t.id(), from[0] + NODE_W, from[1] + NODE_H / 2, to[0] - 2, to[1] + NODE_H / 2));
                }
            }
        }
        return new Graph(width, height, nodes, edges);
    }
}
