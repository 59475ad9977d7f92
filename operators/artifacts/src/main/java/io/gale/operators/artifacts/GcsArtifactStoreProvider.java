package io.gale.operators.artifacts;

import com.google.api.gax.retrying.RetrySettings;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import io.gale.api.ArtifactStore;
import io.gale.api.ArtifactStoreException;
import io.gale.api.ArtifactStoreProvider;
import io.gale.api.Connection;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens {@code gs://bucket/prefix} locations as {@link GcsArtifactStore}s. Credentials come from
 * the connection's extras, as Airflow's Google connection keeps them: {@code key_path} (a
 * service-account key file) or {@code keyfile_dict} (its JSON), and {@code project}; without a
 * connection or key, application-default credentials. Other extras: {@code endpoint} (another
 * JSON-API server, e.g. a test double; without a key it is called without credentials),
 * {@code max_attempts}, {@code initial_retry_delay_ms} and {@code resumable_threshold_bytes}.
 * Key material is never put in a message.
 */
public final class GcsArtifactStoreProvider implements ArtifactStoreProvider {

    private static final List<String> SCOPES = List.of("https://www.googleapis.com/auth/devstorage.read_write");

    @Override
    public String scheme() {
        return "gs";
    }

    @Override
    public ArtifactStore open(URI root, Connection c) {
        StorageOptions.Builder b = StorageOptions.newBuilder();
        String endpoint = extra(c, "endpoint");
        String project = extra(c, "project") != null ? extra(c, "project") : extra(c, "project_id");
        GoogleCredentials key = key(root, c);
        if (key != null) {
            b.setCredentials(key);
        } else if (endpoint != null) {
            b.setCredentials(NoCredentials.getInstance());
        }
        if (endpoint != null) {
            b.setHost(endpoint);
        }
        b.setProjectId(project != null ? project : endpoint != null ? "gale" : null);
        RetrySettings.Builder retry = StorageOptions.getDefaultRetrySettings().toBuilder();
        if (extra(c, "max_attempts") != null) {
            retry.setMaxAttempts(number(root, c, "max_attempts"));
        }
        if (extra(c, "initial_retry_delay_ms") != null) {
            Duration d = Duration.ofMillis(number(root, c, "initial_retry_delay_ms"));
            retry.setInitialRetryDelayDuration(d).setMaxRetryDelayDuration(d.multipliedBy(8));
        }
        b.setRetrySettings(retry.build());
        long threshold = extra(c, "resumable_threshold_bytes") != null
                ? number(root, c, "resumable_threshold_bytes") : GcsArtifactStore.DEFAULT_RESUMABLE_THRESHOLD;
        try {
            return new GcsArtifactStore(b.build().getService(), root, threshold);
        } catch (RuntimeException e) {
            throw new ArtifactStoreException(root, "cannot open Cloud Storage"
                    + (c == null ? " with application-default credentials" : " with connection '" + c.id() + "'")
                    + ": " + e.getClass().getSimpleName(), e);
        }
    }

    private static GoogleCredentials key(URI root, Connection c) {
        String path = extra(c, "key_path") != null ? extra(c, "key_path") : extra(c, "extra__google_cloud_platform__key_path");
        String dict = extra(c, "keyfile_dict");
        if (path == null && dict == null) {
            return null;
        }
        try (InputStream in = path != null ? Files.newInputStream(Path.of(path))
                : new ByteArrayInputStream(dict.getBytes(StandardCharsets.UTF_8))) {
            return GoogleCredentials.fromStream(in).createScoped(SCOPES);
        } catch (IOException | RuntimeException e) {
            // the file's content is never shown, only where it came from
            throw new ArtifactStoreException(root, "connection '" + c.id() + "': cannot read the service-account key "
                    + (path != null ? "file " + path : "in keyfile_dict") + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static String extra(Connection c, String name) {
        if (c == null) {
            return null;
        }
        String v = c.extra().get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static int number(URI root, Connection c, String name) {
        try {
            return Integer.parseInt(extra(c, name));
        } catch (NumberFormatException e) {
            throw new ArtifactStoreException(root, "connection '" + c.id() + "': extra " + name + " must be a whole number");
        }
    }
}
