-- Where each agent has the app open, per server process ("replica"): a row while it
-- holds a tab of hers, with when it last said it is still running (the database's
-- clock). She is "En línea" while any replica holds one, so closing a tab on one
-- replica no longer makes her "Ausente" while another holds the rest; a replica that
-- stops stops refreshing its rows, and another one settles her once they are stale.
CREATE TABLE agent_presences (
    replica TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (replica, agent_id)
);
CREATE INDEX agent_presences_agent ON agent_presences (agent_id);
CREATE INDEX agent_presences_seen ON agent_presences (seen_at);
