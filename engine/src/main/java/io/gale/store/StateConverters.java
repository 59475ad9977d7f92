package io.gale.store;

import io.gale.core.BackfillState;
import io.gale.core.DagRunState;
import io.gale.core.JobState;
import io.gale.core.RunType;
import io.gale.core.TaskState;
import java.util.function.Function;
import org.jooq.impl.AbstractConverter;

/**
 * jOOQ converters between the state columns (Airflow's lowercase ids) and Gale's enums; the
 * generated tables in {@code io.gale.store.jooq} use them (see JooqCodegen's forced types).
 */
public final class StateConverters {

    private StateConverters() {
    }

    /** Maps a text column to an enum through its {@code id()} and lookup. */
    abstract static class IdConverter<E extends Enum<E>> extends AbstractConverter<String, E> {
        private final Function<String, E> of;
        private final Function<E, String> id;

        IdConverter(Class<E> type, Function<String, E> of, Function<E, String> id) {
            super(String.class, type);
            this.of = of;
            this.id = id;
        }

        @Override
        public final E from(String db) {
            return db == null ? null : of.apply(db);
        }

        @Override
        public final String to(E state) {
            return state == null ? null : id.apply(state);
        }
    }

    /** task_instance.state. */
    public static final class TaskStates extends IdConverter<TaskState> {
        public TaskStates() {
            super(TaskState.class, TaskState::of, TaskState::id);
        }
    }

    /** dag_run.state. */
    public static final class DagRunStates extends IdConverter<DagRunState> {
        public DagRunStates() {
            super(DagRunState.class, DagRunState::of, DagRunState::id);
        }
    }

    /** dag_run.run_type. */
    public static final class RunTypes extends IdConverter<RunType> {
        public RunTypes() {
            super(RunType.class, RunType::of, RunType::id);
        }
    }

    /** backfill.state. */
    public static final class BackfillStates extends IdConverter<BackfillState> {
        public BackfillStates() {
            super(BackfillState.class, BackfillState::of, BackfillState::id);
        }
    }

    /** web_user.role. */
    public static final class Roles extends IdConverter<io.gale.core.Role> {
        public Roles() {
            super(io.gale.core.Role.class, io.gale.core.Role::of, io.gale.core.Role::id);
        }
    }

    /** scheduler_job.state. */
    public static final class JobStates extends IdConverter<JobState> {
        public JobStates() {
            super(JobState.class, JobState::of, JobState::id);
        }
    }

    /** callback_outbox.kind. */
    public static final class CallbackKinds extends IdConverter<io.gale.core.CallbackKind> {
        public CallbackKinds() {
            super(io.gale.core.CallbackKind.class, io.gale.core.CallbackKind::of, io.gale.core.CallbackKind::id);
        }
    }
}
