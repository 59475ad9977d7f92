package io.gale.operators.artifacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A small Cloud Storage JSON-API server on 127.0.0.1 for the real client library: buckets,
 * multipart and resumable object inserts (with {@code ifGenerationMatch} and CRC32C checks),
 * object metadata, media download (with ranges), list and delete. Faults are queued with
 * {@link #inject}: an HTTP status for the next matching request, or a connection cut after part
 * of the request body (the received part kept, as the service keeps 256 KiB-aligned bytes of a
 * resumable session), or a cut after the object was committed, before the answer.
 */
public final class FakeGcsServer implements AutoCloseable {

    public static final int QUANTUM = 256 * 1024;

    /** What to do to a request that matches a fault. */
    public enum Action { STATUS, CUT_MID_BODY, CUT_AFTER_COMMIT }

    /** A fault for the next request that {@code matches}. */
    public record Fault(Predicate<Request> matches, Action action, int status, long afterBytes) { }

    /** The parts of a request a fault looks at. */
    public record Request(String method, String path, String query) {
        public boolean isUpload() {
            return path.startsWith("/upload/");
        }
    }

    public record StoredObject(String name, byte[] data, long generation, String contentType, Map<String, String> metadata) { }

    private record Session(String bucket, String name, ObjectNode meta, Map<String, String> query, ByteArrayOutputStream received) { }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Map<String, Map<String, StoredObject>> buckets = new ConcurrentHashMap<>();
    private final Set<String> forbidden = ConcurrentHashMap.newKeySet();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong generations = new AtomicLong(1_700_000_000_000_000L);

    public FakeGcsServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void createBucket(String name) {
        buckets.putIfAbsent(name, new ConcurrentHashMap<>());
    }

    /** Requests to this bucket get 403. */
    public void forbid(String bucket) {
        forbidden.add(bucket);
    }

    public void inject(Fault f) {
        faults.add(f);
    }

    public StoredObject object(String bucket, String name) {
        return buckets.getOrDefault(bucket, Map.of()).get(name);
    }

    /** Flips one byte of a stored object, keeping its recorded checksums: a corrupt object. */
    public void corrupt(String bucket, String name) {
        StoredObject o = object(bucket, name);
        byte[] d = o.data().clone();
        d[d.length / 2] ^= 0x5a;
        corrupted.put(bucket + "/" + name, checksumOf(o.data()));
        buckets.get(bucket).put(name, new StoredObject(name, d, o.generation(), o.contentType(), o.metadata()));
    }

    private final Map<String, String[]> corrupted = new ConcurrentHashMap<>();

    public List<Request> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            String method = ex.getRequestMethod();
            String rawPath = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            Request req = new Request(method, rawPath, rawQuery == null ? "" : rawQuery);
            requests.add(req);
            Map<String, String> q = query(rawQuery);
            Fault fault = null;
            for (Fault f : faults) {
                if (f.matches().test(req) && faults.remove(f)) {
                    fault = f;
                    break;
                }
            }
            if (fault != null && fault.action() == Action.STATUS) {
                drain(ex);
                error(ex, fault.status(), "injected fault", "backendError");
                return;
            }
            List<String> parts = segments(rawPath);
            // /storage/v1/b/{b}[/o[/{o}]], /upload/storage/v1/b/{b}/o, /download/storage/v1/b/{b}/o/{o}
            int b = parts.indexOf("b");
            if (b < 0 || b + 1 >= parts.size()) {
                error(ex, 404, "no such path " + rawPath, "notFound");
                return;
            }
            String bucket = parts.get(b + 1);
            if (forbidden.contains(bucket)) {
                drain(ex);
                error(ex, 403, "caller does not have storage.objects access to bucket " + bucket, "forbidden");
                return;
            }
            Map<String, StoredObject> objects = buckets.get(bucket);
            if (objects == null) {
                drain(ex);
                error(ex, 404, "The specified bucket does not exist.", "notFound");
                return;
            }
            boolean hasObjects = parts.size() > b + 2 && parts.get(b + 2).equals("o");
            String object = parts.size() > b + 3 ? parts.get(b + 3) : null;
            if (!hasObjects) {
                json(ex, 200, JSON.createObjectNode().put("kind", "storage#bucket").put("name", bucket).put("id", bucket));
            } else if (req.isUpload() && method.equals("POST")) {
                insert(ex, bucket, objects, q, fault);
            } else if (req.isUpload() && method.equals("PUT")) {
                resumableChunk(ex, objects, q, fault);
            } else if (method.equals("GET") && object == null) {
                list(ex, bucket, objects, q);
            } else if (method.equals("GET") && ("media".equals(q.get("alt")) || rawPath.startsWith("/download/"))) {
                media(ex, bucket, objects.get(object));
            } else if (method.equals("GET")) {
                StoredObject o = objects.get(object);
                if (o == null) {
                    error(ex, 404, "No such object: " + bucket + "/" + object, "notFound");
                } else {
                    json(ex, 200, resource(bucket, o));
                }
            } else if (method.equals("DELETE")) {
                if (objects.remove(object) == null) {
                    error(ex, 404, "No such object: " + bucket + "/" + object, "notFound");
                } else {
                    ex.sendResponseHeaders(204, -1);
                }
            } else {
                error(ex, 405, method + " " + rawPath + " is not supported here", "notSupported");
            }
        } catch (RuntimeException e) {
            error(ex, 500, "fake server failure: " + e, "internalError");
        } finally {
            ex.close();
        }
    }

    private void insert(HttpExchange ex, String bucket, Map<String, StoredObject> objects, Map<String, String> q,
                        Fault fault) throws IOException {
        String type = q.getOrDefault("uploadType", "media");
        if (type.equals("resumable")) {
            byte[] body = body(ex);
            ObjectNode meta = body.length == 0 ? JSON.createObjectNode() : (ObjectNode) JSON.readTree(body);
            String name = meta.hasNonNull("name") ? meta.get("name").asText() : q.get("name");
            String id = UUID.randomUUID().toString();
            sessions.put(id, new Session(bucket, name, meta, q, new ByteArrayOutputStream()));
            ex.getResponseHeaders().add("Location", endpoint() + "/upload/storage/v1/b/" + bucket
                    + "/o?uploadType=resumable&upload_id=" + id);
            ex.sendResponseHeaders(200, -1);
            return;
        }
        if (!type.equals("multipart")) {
            error(ex, 400, "uploadType " + type + " is not supported here", "invalid");
            return;
        }
        byte[] body = body(ex);
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        String boundary = contentType.replaceAll(".*boundary=\"?([^\";]+)\"?.*", "$1");
        List<byte[]> parts = multipart(body, boundary);
        ObjectNode meta = (ObjectNode) JSON.readTree(parts.get(0));
        String name = meta.hasNonNull("name") ? meta.get("name").asText() : q.get("name");
        commit(ex, bucket, objects, name, meta, q, parts.get(1), fault);
    }

    private void resumableChunk(HttpExchange ex, Map<String, StoredObject> objects, Map<String, String> q, Fault fault)
            throws IOException {
        Session s = sessions.get(q.get("upload_id"));
        if (s == null) {
            error(ex, 404, "no such upload session", "notFound");
            return;
        }
        String range = ex.getRequestHeaders().getFirst("Content-Range");
        // bytes a-b/total, bytes a-b/*, bytes */total, bytes */*
        String spec = range == null ? "*/*" : range.replace("bytes ", "").trim();
        String[] rt = spec.split("/");
        Long total = rt[1].equals("*") ? null : Long.parseLong(rt[1]);
        synchronized (s) {
            StoredObject done = objects.get(s.name());
            if (s.meta().has("_committed")) {
                json(ex, 200, resource(s.bucket(), done));
                return;
            }
            if (!rt[0].equals("*")) {
                long start = Long.parseLong(rt[0].split("-")[0]);
                InputStream in = ex.getRequestBody();
                if (fault != null && fault.action() == Action.CUT_MID_BODY) {
                    byte[] got = in.readNBytes((int) fault.afterBytes());
                    append(s, start, got, true);
                    return; // closed without an answer: the connection is cut
                }
                append(s, start, in.readAllBytes(), false);
            }
            long have = s.received().size();
            if (total != null && have == total) {
                s.meta().put("_committed", true);
                commit(ex, s.bucket(), objects, s.name(), s.meta(), s.query(), s.received().toByteArray(), fault);
                return;
            }
            if (have > 0) {
                ex.getResponseHeaders().add("Range", "bytes=0-" + (have - 1));
            }
            ex.getResponseHeaders().add("Content-Length", "0");
            ex.sendResponseHeaders(308, -1);
        }
    }

    /** Adds bytes at {@code start} of a session; a cut keeps only whole 256 KiB quanta, as the service does. */
    private static void append(Session s, long start, byte[] got, boolean cut) {
        long have = s.received().size();
        if (start > have) {
            throw new IllegalStateException("chunk starts at " + start + " but only " + have + " bytes were received");
        }
        int skip = (int) (have - start);
        int len = got.length - skip;
        if (cut) {
            long end = (start + got.length) / QUANTUM * QUANTUM;
            len = (int) Math.max(0, end - have);
        }
        if (len > 0) {
            s.received().write(got, skip, len);
        }
    }

    private void commit(HttpExchange ex, String bucket, Map<String, StoredObject> objects, String name, ObjectNode meta,
                        Map<String, String> q, byte[] data, Fault fault) throws IOException {
        String[] sums = checksumOf(data);
        if (meta.hasNonNull("crc32c") && !meta.get("crc32c").asText().equals(sums[0])) {
            error(ex, 400, "Provided CRC32C \"" + meta.get("crc32c").asText() + "\" doesn't match calculated CRC32C \""
                    + sums[0] + "\".", "invalid");
            return;
        }
        Map<String, String> md = new TreeMap<>();
        if (meta.has("metadata")) {
            meta.get("metadata").fields().forEachRemaining(e -> md.put(e.getKey(), e.getValue().asText()));
        }
        String contentType = meta.hasNonNull("contentType") ? meta.get("contentType").asText() : "application/octet-stream";
        StoredObject o;
        synchronized (objects) {
            if ("0".equals(q.get("ifGenerationMatch")) && objects.containsKey(name)) {
                error(ex, 412, "At least one of the pre-conditions you specified did not hold.", "conditionNotMet");
                return;
            }
            o = new StoredObject(name, data, generations.incrementAndGet(), contentType, md);
            objects.put(name, o);
        }
        if (fault != null && fault.action() == Action.CUT_AFTER_COMMIT) {
            return; // committed, but the answer is lost
        }
        json(ex, 200, resource(bucket, o));
    }

    private void list(HttpExchange ex, String bucket, Map<String, StoredObject> objects, Map<String, String> q) throws IOException {
        String prefix = q.getOrDefault("prefix", "");
        ObjectNode out = JSON.createObjectNode().put("kind", "storage#objects");
        var items = out.putArray("items");
        new TreeMap<>(objects).forEach((name, o) -> {
            if (name.startsWith(prefix)) {
                items.add(resource(bucket, o));
            }
        });
        json(ex, 200, out);
    }

    private void media(HttpExchange ex, String bucket, StoredObject o) throws IOException {
        if (o == null) {
            error(ex, 404, "No such object", "notFound");
            return;
        }
        String[] sums = corrupted.getOrDefault(bucket + "/" + o.name(), checksumOf(o.data()));
        byte[] d = o.data();
        int from = 0;
        int to = d.length - 1;
        String range = ex.getRequestHeaders().getFirst("Range");
        if (range != null && range.startsWith("bytes=")) {
            String[] r = range.substring(6).split("-", -1);
            from = Integer.parseInt(r[0]);
            if (!r[1].isEmpty()) {
                to = Math.min(to, Integer.parseInt(r[1]));
            }
        }
        ex.getResponseHeaders().add("x-goog-generation", Long.toString(o.generation()));
        ex.getResponseHeaders().add("x-goog-hash", "crc32c=" + sums[0] + ",md5=" + sums[1]);
        ex.getResponseHeaders().add("x-goog-stored-content-length", Integer.toString(d.length));
        ex.getResponseHeaders().add("Content-Type", o.contentType());
        if (from >= d.length) {
            ex.getResponseHeaders().add("Content-Range", "bytes */" + d.length);
            ex.sendResponseHeaders(d.length == 0 ? 200 : 416, -1);
            return;
        }
        int len = to - from + 1;
        if (range != null) {
            ex.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + d.length);
        }
        ex.sendResponseHeaders(range != null ? 206 : 200, len);
        ex.getResponseBody().write(d, from, len);
    }

    private ObjectNode resource(String bucket, StoredObject o) {
        String[] sums = corrupted.getOrDefault(bucket + "/" + o.name(), checksumOf(o.data()));
        ObjectNode n = JSON.createObjectNode()
                .put("kind", "storage#object")
                .put("id", bucket + "/" + o.name() + "/" + o.generation())
                .put("name", o.name())
                .put("bucket", bucket)
                .put("generation", Long.toString(o.generation()))
                .put("metageneration", "1")
                .put("contentType", o.contentType())
                .put("size", Integer.toString(o.data().length))
                .put("crc32c", sums[0])
                .put("md5Hash", sums[1])
                .put("storageClass", "STANDARD")
                .put("timeCreated", "2026-12-01T00:00:00.000Z")
                .put("updated", "2026-12-01T00:00:00.000Z")
                .put("etag", "e" + o.generation());
        ObjectNode md = n.putObject("metadata");
        o.metadata().forEach(md::put);
        return n;
    }

    static String[] checksumOf(byte[] d) {
        CRC32C c = new CRC32C();
        c.update(d);
        try {
            return new String[] {Checksums.crc32cBase64(c.getValue()),
                    Base64.getEncoder().encodeToString(MessageDigest.getInstance("MD5").digest(d))};
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<byte[]> multipart(byte[] body, String boundary) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Integer> at = new ArrayList<>();
        for (int i = 0; i + delim.length <= body.length; i++) {
            if (java.util.Arrays.equals(body, i, i + delim.length, delim, 0, delim.length)) {
                at.add(i);
                i += delim.length - 1;
            }
        }
        List<byte[]> parts = new ArrayList<>();
        for (int k = 0; k + 1 < at.size(); k++) {
            int start = at.get(k) + delim.length + 2; // CRLF after the delimiter
            int headersEnd = indexOf(body, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), start);
            int end = at.get(k + 1) - 2; // CRLF before the next delimiter
            parts.add(java.util.Arrays.copyOfRange(body, headersEnd + 4, end));
        }
        return parts;
    }

    private static int indexOf(byte[] a, byte[] b, int from) {
        for (int i = from; i + b.length <= a.length; i++) {
            if (java.util.Arrays.equals(a, i, i + b.length, b, 0, b.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("malformed multipart body");
    }

    private static byte[] body(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
            in = new GZIPInputStream(in);
        }
        return in.readAllBytes();
    }

    private static void drain(HttpExchange ex) throws IOException {
        ex.getRequestBody().readAllBytes();
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
    }

    private static void error(HttpExchange ex, int status, String message, String reason) throws IOException {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode err = e.putObject("error").put("code", status).put("message", message);
        err.putArray("errors").addObject().put("message", message).put("domain", "global").put("reason", reason);
        json(ex, status, e);
    }

    private static List<String> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String s : rawPath.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String kv : raw.split("&")) {
                String[] p = kv.split("=", 2);
                q.put(URLDecoder.decode(p[0], StandardCharsets.UTF_8), p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return q;
    }
}
