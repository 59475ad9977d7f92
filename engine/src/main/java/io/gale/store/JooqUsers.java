package io.gale.store;

import static io.gale.store.jooq.Tables.SIGNING_KEY;
import static io.gale.store.jooq.Tables.WEB_USER;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record;

/** {@link UserRepository} on PostgreSQL. */
final class JooqUsers implements UserRepository {

    private final DSLContext dsl;

    JooqUsers(DSLContext dsl) {
        this.dsl = dsl;
    }

    @Override
    public boolean create(User user) {
        return dsl.insertInto(WEB_USER)
                .set(WEB_USER.USERNAME, user.username())
                .set(WEB_USER.PASSWORD_HASH, user.passwordHash())
                .set(WEB_USER.ROLE, user.role())
                .set(WEB_USER.CREATED_AT, user.createdAt().atOffset(ZoneOffset.UTC))
                .onConflictDoNothing()
                .execute() == 1;
    }

    @Override
    public Optional<User> find(String username) {
        return dsl.selectFrom(WEB_USER).where(WEB_USER.USERNAME.eq(username)).fetchOptional(JooqUsers::user);
    }

    @Override
    public List<User> list() {
        return dsl.selectFrom(WEB_USER).orderBy(WEB_USER.USERNAME).fetch(JooqUsers::user);
    }

    @Override
    public boolean delete(String username) {
        return dsl.deleteFrom(WEB_USER).where(WEB_USER.USERNAME.eq(username)).execute() == 1;
    }

    @Override
    public boolean setPasswordHash(String username, String passwordHash) {
        return dsl.update(WEB_USER).set(WEB_USER.PASSWORD_HASH, passwordHash).where(WEB_USER.USERNAME.eq(username)).execute() == 1;
    }

    @Override
    public void addKey(SigningKey key) {
        dsl.insertInto(SIGNING_KEY)
                .set(SIGNING_KEY.KEY_ID, key.keyId())
                .set(SIGNING_KEY.SECRET, key.secret())
                .set(SIGNING_KEY.CREATED_AT, key.createdAt().atOffset(ZoneOffset.UTC))
                .execute();
    }

    @Override
    public List<SigningKey> keys() {
        return dsl.selectFrom(SIGNING_KEY).orderBy(SIGNING_KEY.CREATED_AT.desc(), SIGNING_KEY.KEY_ID.desc())
                .fetch(r -> new SigningKey(r.getKeyId(), r.getSecret(), r.getCreatedAt().toInstant()));
    }

    @Override
    public int retireKeys(int keep) {
        List<String> kept = keys().stream().limit(keep).map(SigningKey::keyId).toList();
        return dsl.deleteFrom(SIGNING_KEY).where(SIGNING_KEY.KEY_ID.notIn(kept)).execute();
    }

    private static User user(Record r) {
        Instant created = r.get(WEB_USER.CREATED_AT).toInstant();
        return new User(r.get(WEB_USER.USERNAME), r.get(WEB_USER.PASSWORD_HASH), r.get(WEB_USER.ROLE), created);
    }
}
