-- GitHub stargazer crawl (operators/github): repositories, users, who starred what, and a
-- checkpoint per repository so a crawl resumes at its first unfinished page.

create table gh_repository (
    id          bigint primary key,           -- GitHub's id: kept when a repository is renamed or moved
    full_name   text        not null,
    stars       integer     not null,
    language    text,
    topics      text[]      not null default '{}',
    updated_at  timestamptz,                  -- GitHub's updated_at
    fetched_at  timestamptz not null
);
create index gh_repository_full_name on gh_repository (lower(full_name));

create table gh_user (
    id     bigint primary key,
    login  text not null
);

create table gh_star (
    repo_id     bigint not null references gh_repository (id),
    user_id     bigint not null references gh_user (id),
    starred_at  timestamptz,
    primary key (repo_id, user_id)
);

-- One crawl pass over a repository's stargazers. crawl_pass names the pass (the DAG run and
-- task); a retry of the same pass resumes at next_page, a new pass starts again at page 1
-- with the stored ETags.
create table gh_crawl_checkpoint (
    repo_id     bigint primary key references gh_repository (id),
    crawl_pass  text        not null,
    next_page   integer     not null,
    status      text        not null check (status in ('in_progress', 'complete', 'truncated')),
    updated_at  timestamptz not null
);

-- The ETag of each stargazer page and whether a next page followed it (a 304 has no Link header).
create table gh_crawl_page (
    repo_id   bigint  not null references gh_repository (id),
    page      integer not null,
    etag      text,
    has_next  boolean not null,
    primary key (repo_id, page)
);
