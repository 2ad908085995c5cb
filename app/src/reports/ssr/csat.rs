//! The period's satisfaction surveys: sent, answered, satisfied (4 or 5) and the sum
//! of the ratings, for a scope (by the conversation's agent and team when resolved).
use crate::db::Db;
use crate::reports::model::{Scope, Summary};

pub async fn fill(
    db: &Db,
    account_id: i64,
    scope: Scope,
    since: i64,
    until: i64,
    summary: &mut Summary,
) -> Result<(), sqlx::Error> {
    let (filter, id) = match scope {
        Scope::Account => (" AND $4 = $4", 0),
        Scope::Inbox(id) => (" AND s.inbox_id = $4", id),
        Scope::Agent(id) => (" AND s.agent_id = $4", id),
        Scope::Team(id) => (" AND s.team_id = $4", id),
        Scope::Label(id) => (
            " AND EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = s.conversation_id AND cl.label_id = $4)",
            id,
        ),
    };
    let sql = format!(
        "SELECT COUNT(*), \
         CAST(COALESCE(SUM(CASE WHEN s.rating IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN s.rating >= 4 THEN 1 ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(s.rating), 0) AS BIGINT) \
         FROM csat_surveys s WHERE s.account_id = $1 AND s.sent_at >= $2 AND s.sent_at < $3{filter}"
    );
    let (sent, answered, satisfied, ratings): (i64, i64, i64, i64) = sqlx::query_as(&sql)
        .bind(account_id)
        .bind(since)
        .bind(until)
        .bind(id)
        .fetch_one(&db.pool)
        .await?;
    summary.csat_sent = sent;
    summary.csat_answered = answered;
    summary.csat_satisfied = satisfied;
    summary.csat_rating_sum = ratings;
    Ok(())
}
