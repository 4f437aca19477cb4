-- Every read of a person's record appends an audit row, so the audit table is
-- the hottest insert in the system. Its index on (resource, resource_id) put
-- each new row at a random place: one more index page written to the WAL per
-- audited read (make bench: ID-number search 17,000 req/s with it, 32,000
-- without). The remaining indexes grow at their ends (seq, at; username, at)
-- and cost a shared page per commit. A search by record is a filtered scan,
-- bounded by the at index when it names a period (store_audit_search).
DROP INDEX IF EXISTS audit_resource;
