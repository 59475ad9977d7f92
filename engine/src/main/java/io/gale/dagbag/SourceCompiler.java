package io.gale.dagbag;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles one DAG source file with the JDK's compiler against Gale's classpath, into a cache
 * folder keyed by the file's content, and loads its classes in a class loader of their own.
 */
final class SourceCompiler {

    /** A source file that does not compile; the message quotes javac's first errors in full, one after another. */
    static final class CompileException extends RuntimeException {
        CompileException(String message) {
            super(message);
        }
    }

    /** At most this many of javac's errors are quoted in the import error. */
    static final int MAX_DIAGNOSTICS = 20;

    private final Path cacheDir;

    SourceCompiler(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    List<Class<?>> compile(Path source, ClassLoader parent) throws IOException, ClassNotFoundException {
        byte[] content = Files.readAllBytes(source);
        Path out = cacheDir.resolve(hash(content, source.getFileName().toString()));
        Path done = out.resolve(".compiled");
        if (!Files.exists(done)) {
            compileTo(source, out);
            Files.writeString(done, source.toString());
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()}, parent);
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".class")).sorted().toList()) {
                String name = out.relativize(p).toString();
                classes.add(Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader));
            }
        }
        return classes;
    }

    private void compileTo(Path source, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new CompileException("cannot compile " + source.getFileName()
                    + ": this Java runtime has no compiler; run Gale on a JDK (17 or newer)");
        }
        Path tmp = Files.createDirectories(cacheDir).resolve(out.getFileName() + ".tmp" + ProcessHandle.current().pid());
        deleteTree(tmp);
        Files.createDirectories(tmp);
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        try (StandardJavaFileManager fm = javac.getStandardFileManager(diags, Locale.ROOT, StandardCharsets.UTF_8)) {
            List<String> options = List.of("-d", tmp.toString(), "-classpath", classpath(), "-proc:none",
                    "-encoding", "UTF-8", "--release", "17", "-nowarn", "-parameters");
            boolean ok = javac.getTask(null, fm, diags, options, null, fm.getJavaFileObjects(source.toFile())).call();
            if (!ok) {
                List<Diagnostic<? extends JavaFileObject>> errors = diags.getDiagnostics().stream()
                        .filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
                List<String> lines = Files.readAllLines(source, StandardCharsets.UTF_8);
                StringBuilder message = new StringBuilder("compilation failed: ");
                errors.stream().limit(MAX_DIAGNOSTICS).forEach(d -> message.append(format(source, lines, d)).append('\n'));
                if (errors.size() > MAX_DIAGNOSTICS) {
                    message.append("... and ").append(errors.size() - MAX_DIAGNOSTICS).append(" more errors\n");
                }
                deleteTree(tmp);
                throw new CompileException(message.toString().stripTrailing());
            }
        }
        deleteTree(out);
        try {
            Files.move(tmp, out);
        } catch (IOException e) {
            // another process compiled the same content first
            deleteTree(tmp);
        }
    }

    /**
     * One diagnostic as javac prints it: {@code File.java:12: error: message}, the source line
     * with a caret under the column, then the message's other lines ({@code symbol: ...}).
     */
    private static String format(Path source, List<String> lines, Diagnostic<? extends JavaFileObject> d) {
        List<String> message = d.getMessage(Locale.ROOT).lines().toList();
        StringBuilder sb = new StringBuilder().append(source.getFileName());
        if (d.getLineNumber() != Diagnostic.NOPOS) {
            sb.append(':').append(d.getLineNumber());
        }
        sb.append(": error: ").append(message.isEmpty() ? "" : message.get(0));
        long line = d.getLineNumber();
        if (line != Diagnostic.NOPOS && line >= 1 && line <= lines.size()) {
            String text = lines.get((int) line - 1);
            sb.append('\n').append(text);
            long column = d.getColumnNumber();
            if (column != Diagnostic.NOPOS && column >= 1 && column <= text.length() + 1) {
                sb.append('\n').append(text.substring(0, (int) column - 1).replaceAll("[^\t]", " ")).append('^');
            }
        }
        message.stream().skip(1).forEach(m -> sb.append('\n').append(m));
        return sb.toString();
    }

    /** The running classpath plus where Gale's API classes were loaded from (a surefire run hides them in a manifest jar). */
    private static String classpath() {
        List<String> entries = new ArrayList<>(List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator)));
        try {
            var src = io.gale.api.DagDefinition.class.getProtectionDomain().getCodeSource();
            if (src != null) {
                entries.add(Path.of(src.getLocation().toURI()).toString());
            }
        } catch (Exception ignored) {
            // the class path alone will do
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static String hash(byte[] content, String name) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(name.getBytes(StandardCharsets.UTF_8));
            md.update(content);
            md.update(System.getProperty("java.class.path", "").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }
}
