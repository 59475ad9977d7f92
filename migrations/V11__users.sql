-- Users of the web server and REST API, and the keys that sign their tokens (JWT, HS256).
-- Passwords are stored only as bcrypt hashes. The newest key (highest created_at) signs; older
-- keys are kept so tokens signed before a rotation stay valid until they expire.

create table web_user (
    username      text        primary key,
    password_hash text        not null,
    role          text        not null check (role in ('admin', 'op', 'viewer')),
    created_at    timestamptz not null default now()
);

create table signing_key (
    key_id     text        primary key,
    secret     bytea       not null,
    created_at timestamptz not null default now()
);

-- A paused backfill keeps its queued runs queued (Airflow 3's backfill pause / unpause).
alter table backfill add column is_paused boolean not null default false;
