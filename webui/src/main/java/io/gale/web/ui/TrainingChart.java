package io.gale.web.ui;

import io.gale.store.TrainingMetricRepository;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One metric of a training curve as an SVG line chart, laid out on the server (no script): the
 * points of the line, the axes' ticks, and a one-line description for screen readers. The
 * template writes every value with {@code th:attr}/{@code th:text}, so nothing here is markup.
 */
public record TrainingChart(String metric, String title, String description, String points, List<Dot> dots,
                            List<Tick> xTicks, List<Tick> yTicks) {

    /** Size of the drawing and of its plotting area, in SVG units. */
    public static final int WIDTH = 480;
    public static final int HEIGHT = 200;
    static final int LEFT = 56;
    static final int RIGHT = 12;
    static final int TOP = 10;
    static final int BOTTOM = 30;

    /** A point of the line, with its value as a tooltip. */
    public record Dot(String x, String y, String label) {
    }

    /** An axis label at a position (x for the epoch axis, y for the value axis). */
    public record Tick(String pos, String label) {
    }

    /** The bottom of the plotting area (the epoch axis), in SVG units. */
    public int axisY() {
        return HEIGHT - BOTTOM;
    }

    /** The left edge of the plotting area (the value axis), in SVG units. */
    public int axisX() {
        return LEFT;
    }

    /** The right edge of the plotting area. */
    public int right() {
        return WIDTH - RIGHT;
    }

    /** The chart of {@code metric} over the epochs that report it, or null when none does. */
    public static TrainingChart of(String metric, String title, List<TrainingMetricRepository.Epoch> epochs) {
        List<double[]> xy = new ArrayList<>();
        for (TrainingMetricRepository.Epoch e : epochs) {
            Double v = e.metrics().get(metric);
            if (v != null && Double.isFinite(v)) {
                xy.add(new double[] {e.epoch(), v});
            }
        }
        if (xy.isEmpty()) {
            return null;
        }
        double minX = xy.get(0)[0];
        double maxX = xy.get(xy.size() - 1)[0];
        double minY = xy.stream().mapToDouble(p -> p[1]).min().orElseThrow();
        double maxY = xy.stream().mapToDouble(p -> p[1]).max().orElseThrow();
        if (maxY - minY < 1e-12) {
            double pad = Math.max(Math.abs(maxY) * 0.05, 1e-6);
            minY -= pad;
            maxY += pad;
        }
        double spanX = Math.max(1, maxX - minX);
        double w = WIDTH - LEFT - RIGHT;
        double h = HEIGHT - TOP - BOTTOM;
        StringBuilder points = new StringBuilder();
        List<Dot> dots = new ArrayList<>();
        for (double[] p : xy) {
            double x = LEFT + (p[0] - minX) / spanX * w;
            double y = TOP + (maxY - p[1]) / (maxY - minY) * h;
            if (points.length() > 0) {
                points.append(' ');
            }
            points.append(num(x)).append(',').append(num(y));
            dots.add(new Dot(num(x), num(y), "epoch " + (int) p[0] + ": " + value(p[1])));
        }
        List<Tick> xTicks = new ArrayList<>();
        int step = (int) Math.max(1, Math.ceil(spanX / 10));
        for (int e = (int) minX; e <= maxX; e += step) {
            xTicks.add(new Tick(num(LEFT + (e - minX) / spanX * w), Integer.toString(e)));
        }
        List<Tick> yTicks = new ArrayList<>();
        for (int i = 0; i <= 4; i++) {
            double v = minY + (maxY - minY) * i / 4;
            yTicks.add(new Tick(num(TOP + (maxY - v) / (maxY - minY) * h), value(v)));
        }
        double[] first = xy.get(0);
        double[] last = xy.get(xy.size() - 1);
        String description = title + " over " + xy.size() + " epochs: from " + value(first[1]) + " at epoch " + (int) first[0]
                + " to " + value(last[1]) + " at epoch " + (int) last[0] + ", lowest " + value(xy.stream().mapToDouble(p -> p[1]).min().orElseThrow())
                + ", highest " + value(xy.stream().mapToDouble(p -> p[1]).max().orElseThrow());
        return new TrainingChart(metric, title, description, points.toString(), dots, xTicks, yTicks);
    }

    private static String num(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A metric's value with four significant digits. */
    static String value(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
