package io.gale.store;

import io.gale.api.Connection;
import java.util.List;
import java.util.Optional;

/** Stored connections (Airflow's Connections). */
public interface ConnectionRepository {

    Optional<Connection> get(String connId);

    void put(Connection connection);

    boolean delete(String connId);

    List<Connection> list();
}
