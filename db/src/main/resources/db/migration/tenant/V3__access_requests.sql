-- People who signed in but have no portal role ask for access (optionally to a team); platform admins grant the
-- data-scientist role and/or a membership, or refuse. Rows are kept as the history of who was let in and why.
create table access_request (
    id                      bigserial     primary key,
    requester_subject       varchar(64)   not null,
    requester_username      varchar(255)  not null,
    requester_name          varchar(255),
    requester_email         varchar(255),
    reason                  varchar(2000) not null,
    team_slug               varchar(32),
    status                  varchar(16)   not null default 'pending'
                                          check (status in ('pending', 'approved', 'rejected', 'withdrawn')),
    decided_by_username     varchar(255),
    decision_reason         varchar(2000),
    granted_role            varchar(64),
    granted_team_slug       varchar(32),
    granted_team_role       varchar(16),
    created_at              timestamptz   not null default now(),
    decided_at              timestamptz
);
-- at most one open request per person: asking twice while waiting is refused, not queued
create unique index access_request_one_pending on access_request (requester_subject) where status = 'pending';
create index access_request_by_status on access_request (status, created_at);
create index access_request_by_requester on access_request (requester_subject, created_at desc);
