package io.gale.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gale.core.TaskKey;
import io.gale.store.EdgeRepository.NewJob;
import io.gale.testing.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Queuing edge jobs tells {@link ChangeListener#EDGE_JOBS} their queues when the rows commit (the
 * web server's waiting claims wake on it), and says nothing when the transaction rolls back.
 */
class EdgeJobNotifyTest {

    private static NewJob job(String task, String queue) {
        return new NewJob(new TaskKey("notify_dag", "run_1", task), 1, 1, queue, "0:test", "{}");
    }

    /** Notifications until {@code count} came, 10 s at most. */
    private static List<String> payloads(PGConnection pg, int count) throws SQLException {
        List<String> out = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (out.size() < count && System.nanoTime() < deadline) {
            PGNotification[] notes = pg.getNotifications(200);
            if (notes != null) {
                for (PGNotification n : notes) {
                    out.add(n.getParameter());
                }
            }
        }
        return out;
    }

    @Test
    void queuingJobsNotifiesEachOfTheirQueuesOnceOnCommitAndNothingOnRollback() throws Exception {
        try (Database db = TestDatabase.fresh(); Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("listen " + ChangeListener.EDGE_JOBS);
            PGConnection pg = c.unwrap(PGConnection.class);
            Store store = new JooqStore(db);
            Instant now = Instant.now();

            store.edge().enqueue(List.of(job("a", "gpu"), job("b", "default"), job("c", "gpu")), now);
            assertThat(payloads(pg, 2)).containsExactlyInAnyOrder("gpu", "default");

            assertThatThrownBy(() -> store.transact(tx -> {
                tx.edge().enqueue(List.of(job("d", "rolled-back")), now);
                throw new IllegalStateException("roll back");
            })).isInstanceOf(RuntimeException.class);
            store.edge().enqueue(List.of(job("e", "after")), now);
            assertThat(payloads(pg, 1)).as("the rolled-back queue is never told").containsExactly("after");
        }
    }
}
