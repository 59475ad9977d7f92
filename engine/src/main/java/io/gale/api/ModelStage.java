package io.gale.api;

/** Where a model version is in its life: registered only, served, or retired. */
public enum ModelStage {
    NONE("none"),
    PRODUCTION("production"),
    ARCHIVED("archived");

    private final String id;

    ModelStage(String id) {
        this.id = id;
    }

    /** The name stored in the database. */
    public String id() {
        return id;
    }

    public static ModelStage of(String id) {
        for (ModelStage s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown model stage '" + id + "' (none, production, archived)");
    }
}
