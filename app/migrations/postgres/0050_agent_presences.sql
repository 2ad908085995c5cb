-- Where each agent has the app open, per server process ("replica"): how many of her
-- tabs it holds, and when it last said it is still running. She is "En línea" while
-- any replica holds a tab of hers, so closing one on one replica no longer makes her
-- "Ausente" while another holds the rest; a replica that stops (a crash, a kill) stops
-- refreshing its rows, and another one settles her availability once they are stale.
CREATE TABLE agent_presences (
    replica TEXT NOT NULL,
    agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
    tabs BIGINT NOT NULL,
    seen_at BIGINT NOT NULL,
    PRIMARY KEY (replica, agent_id)
);
CREATE INDEX agent_presences_agent ON agent_presences (agent_id);
CREATE INDEX agent_presences_seen ON agent_presences (seen_at);
