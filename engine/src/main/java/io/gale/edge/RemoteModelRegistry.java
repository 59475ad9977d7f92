package io.gale.edge;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gale.api.ModelNotFoundException;
import io.gale.api.ModelRegistry;
import io.gale.api.ModelRegistryException;
import io.gale.api.ModelVersion;
import io.gale.api.NewModelVersion;
import io.gale.api.PromotionPolicy;
import io.gale.core.Json;
import io.gale.core.TaskKey;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Optional;

/**
 * The model registry of a task on a remote worker: every call goes to the worker API for the try
 * the task runs, and is refused ({@link WorkerClient.TryNotHeldException}) once the worker no
 * longer holds it. The API's registry decides, in its database, as it does for local tasks.
 */
final class RemoteModelRegistry implements ModelRegistry {

    private final WorkerClient api;
    private final TaskKey key;
    private final int tryNumber;

    RemoteModelRegistry(WorkerClient api, TaskKey key, int tryNumber) {
        this.api = api;
        this.key = key;
        this.tryNumber = tryNumber;
    }

    @Override
    public Registration register(NewModelVersion v, PromotionPolicy policy) {
        return read(ok(api.fenced("POST", model(v.name()) + "/versions",
                Json.write(new WorkerProtocol.Registration(key, tryNumber, v, policy)))), Registration.class);
    }

    @Override
    public Optional<ModelVersion> production(String name) {
        return found(api.fenced("GET", model(name) + "/production?" + held(), null));
    }

    @Override
    public Optional<ModelVersion> version(String name, int version) {
        return found(api.fenced("GET", model(name) + "/versions/" + version + "?" + held(), null));
    }

    @Override
    public List<ModelVersion> versions(String name) {
        return read(ok(api.fenced("GET", model(name) + "/versions?" + held(), null)), new TypeReference<List<ModelVersion>>() { });
    }

    @Override
    public List<String> names() {
        return read(ok(api.fenced("GET", "models?" + held(), null)), new TypeReference<List<String>>() { });
    }

    @Override
    public ModelVersion promote(String name, int version) {
        return read(ok(api.fenced("POST", model(name) + "/versions/" + version + "/promote", held(key, tryNumber))), ModelVersion.class);
    }

    @Override
    public ModelVersion rollback(String name) {
        return read(ok(api.fenced("POST", model(name) + "/rollback", held(key, tryNumber))), ModelVersion.class);
    }

    @Override
    public void delete(String name, int version) {
        ok(api.fenced("DELETE", model(name) + "/versions/" + version + "?" + held(), null));
    }

    private static String model(String name) {
        return "models/" + WorkerClient.q(name);
    }

    private String held() {
        return WorkerClient.heldQuery(key, tryNumber);
    }

    private static String held(TaskKey key, int tryNumber) {
        return Json.write(new WorkerProtocol.Held(key, tryNumber));
    }

    /** A version, or empty when the registry has no such model or version (404). */
    private static Optional<ModelVersion> found(HttpResponse<String> r) {
        return r.statusCode() == 404 ? Optional.empty() : Optional.of(read(ok(r), ModelVersion.class));
    }

    /** The answer when it succeeded; the registry's refusals as the exceptions the local registry throws. */
    private static HttpResponse<String> ok(HttpResponse<String> r) {
        int status = r.statusCode();
        if (status / 100 == 2) {
            return r;
        }
        String detail = WorkerClient.detail(r);
        throw switch (status) {
            case 404 -> new ModelNotFoundException(detail);
            case 422 -> new ModelRegistryException(detail);
            default -> new IllegalArgumentException(detail); // 400: the call itself is not valid
        };
    }

    private static <T> T read(HttpResponse<String> r, Class<T> type) {
        return Json.read(r.body(), type);
    }

    private static <T> T read(HttpResponse<String> r, TypeReference<T> type) {
        try {
            return Json.MAPPER.readValue(r.body(), type);
        } catch (IOException e) {
            throw new WorkerClient.UnreachableException("the API answered a model registry call with something unexpected: "
                    + e.getMessage(), e);
        }
    }
}
