-- Satisfaction surveys (CSAT, issue 31): when a conversation of an inbox with the
-- survey switched on is resolved, the customer is asked once to rate it (1-5, with an
-- optional comment) in the widget, or through a link to a small public page. One
-- survey, and so one answer, per conversation; the agent and team are the ones the
-- conversation had when it was resolved (for the reports). The token is the link's.
CREATE TABLE csat_surveys (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id BIGINT NOT NULL,
    conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    inbox_id BIGINT NOT NULL,
    agent_id BIGINT,
    team_id BIGINT,
    message_id BIGINT,
    token TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    rating BIGINT CHECK (rating BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    answered_at BIGINT
);
CREATE UNIQUE INDEX csat_surveys_conversation ON csat_surveys (conversation_id);
CREATE UNIQUE INDEX csat_surveys_token ON csat_surveys (token);
CREATE INDEX csat_surveys_period ON csat_surveys (account_id, sent_at);
