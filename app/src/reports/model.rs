//! A report's question (period, scope, business hours) and its answer, shared by the
//! page and the server; and how a duration and a percentile read.
use serde::{Deserialize, Serialize};

/// The longest custom period, in days.
pub const MAX_DAYS: i64 = 731;

/// Which days: today, the last N days (today included), or from one local date to
/// another (both included), in the account's time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Period {
    Today,
    Last(u16),
    Custom { from: String, to: String },
}

/// Whose figures: the whole account, or one inbox, agent, team or label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    Account,
    Inbox(i64),
    Agent(i64),
    Team(i64),
    Label(i64),
}

impl Scope {
    /// As kept in the address: `inbox:3`; the account is empty.
    pub fn key(&self) -> String {
        match self {
            Scope::Account => String::new(),
            Scope::Inbox(id) => format!("inbox:{id}"),
            Scope::Agent(id) => format!("agent:{id}"),
            Scope::Team(id) => format!("team:{id}"),
            Scope::Label(id) => format!("label:{id}"),
        }
    }

    pub fn parse(text: &str) -> Scope {
        let Some((kind, id)) = text.split_once(':') else {
            return Scope::Account;
        };
        let Ok(id) = id.parse::<i64>() else {
            return Scope::Account;
        };
        match kind {
            "inbox" => Scope::Inbox(id),
            "agent" => Scope::Agent(id),
            "team" => Scope::Team(id),
            "label" => Scope::Label(id),
            _ => Scope::Account,
        }
    }
}

impl Period {
    /// As kept in the address: `period=7`, `period=today`, or `from`/`to` dates.
    pub fn parse(period: &str, from: &str, to: &str) -> Period {
        match period {
            "today" => Period::Today,
            "custom" => Period::Custom {
                from: from.to_owned(),
                to: to.to_owned(),
            },
            other => match other.parse::<u16>() {
                Ok(days @ 1..=366) => Period::Last(days),
                _ => Period::Last(30),
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportQuery {
    pub period: Period,
    pub scope: Scope,
    /// Times counted only while the inbox is open (inboxes without hours: all of it).
    pub business_hours: bool,
}

/// A duration's spread over a period, in seconds; `None` when nothing was measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spread {
    pub count: i64,
    /// Rounded down.
    pub mean: Option<i64>,
    pub median: Option<i64>,
    pub p90: Option<i64>,
}

impl Spread {
    /// The median (the mean of the two middle values when there is an even number of
    /// them, rounded down) and the 90th percentile by nearest rank.
    pub fn of(mut values: Vec<i64>) -> Spread {
        values.sort_unstable();
        let n = values.len();
        if n == 0 {
            return Spread::default();
        }
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2
        };
        let rank = (n * 9).div_ceil(10).max(1);
        Spread {
            count: n as i64,
            mean: Some(values.iter().sum::<i64>() / n as i64),
            median: Some(median),
            p90: Some(values[rank - 1]),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub opened: i64,
    pub resolved: i64,
    pub reopened: i64,
    pub received: i64,
    pub sent: i64,
    pub first_response: Spread,
    pub reply: Spread,
    pub resolution: Spread,
    /// Open conversations whose customer waits for an answer now (not over the period).
    pub waiting_now: i64,
    /// Satisfaction surveys sent in the period, answered, answered 4 or 5, and the sum
    /// of the ratings.
    #[serde(default)]
    pub csat_sent: i64,
    #[serde(default)]
    pub csat_answered: i64,
    #[serde(default)]
    pub csat_satisfied: i64,
    #[serde(default)]
    pub csat_rating_sum: i64,
}

impl Summary {
    /// The CSAT score: the share of answers that were 4 or 5, in percent (rounded).
    pub fn csat_score(&self) -> Option<i64> {
        (self.csat_answered > 0)
            .then(|| (self.csat_satisfied * 100 + self.csat_answered / 2) / self.csat_answered)
    }

    /// Answers per survey sent, in percent (rounded).
    pub fn csat_response_rate(&self) -> Option<i64> {
        (self.csat_sent > 0)
            .then(|| (self.csat_answered * 100 + self.csat_sent / 2) / self.csat_sent)
    }

    /// The mean rating, with one decimal ("4.5").
    pub fn csat_mean_text(&self) -> Option<String> {
        (self.csat_answered > 0).then(|| {
            let tenths = (self.csat_rating_sum * 10 + self.csat_answered / 2) / self.csat_answered;
            format!("{}.{}", tenths / 10, tenths % 10)
        })
    }
}

/// One local day of the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayRow {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub opened: i64,
    pub resolved: i64,
    pub received: i64,
    pub sent: i64,
    /// Mean first response and resolution times of the day, in seconds.
    pub first_response_mean: Option<i64>,
    pub resolution_mean: Option<i64>,
}

/// An agent's figures, side by side with the others'.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentRow {
    pub agent_id: i64,
    pub name: String,
    pub resolved: i64,
    pub sent: i64,
    pub first_response: Spread,
    pub resolution: Spread,
}

/// Something a report can be scoped to, by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopeOptions {
    pub inboxes: Vec<Named>,
    pub agents: Vec<Named>,
    pub teams: Vec<Named>,
    pub labels: Vec<Named>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The period's first and last local dates.
    pub from: String,
    pub to: String,
    pub time_zone: String,
    pub summary: Summary,
    pub days: Vec<DayRow>,
    /// Conversations opened by local weekday (Monday first) and hour.
    pub heat: Vec<Vec<i64>>,
    pub agents: Vec<AgentRow>,
    pub options: ScopeOptions,
}

/// Seconds as people read them: "45 s", "12 min 5 s", "3 h 20 min", "2 d 4 h"
/// (the two largest units, a zero second part left out).
pub fn duration_text(seconds: i64) -> String {
    let s = seconds.max(0);
    let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60, s % 60);
    let pair = |a: i64, ua: &str, b: i64, ub: &str| match b {
        0 => format!("{a} {ua}"),
        _ => format!("{a} {ua} {b} {ub}"),
    };
    if d > 0 {
        pair(d, "d", h, "h")
    } else if h > 0 {
        pair(h, "h", m, "min")
    } else if m > 0 {
        pair(m, "min", sec, "s")
    } else {
        format!("{sec} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spread_takes_the_middle_and_the_nearest_rank() {
        assert_eq!(Spread::of(vec![]), Spread::default());
        let one = Spread::of(vec![7]);
        assert_eq!((one.median, one.p90), (Some(7), Some(7)));
        let four = Spread::of(vec![40, 10, 30, 20]);
        assert_eq!((four.median, four.p90, four.count), (Some(25), Some(40), 4));
        assert_eq!(four.mean, Some(25));
        let ten = Spread::of((1..=10).collect());
        assert_eq!((ten.median, ten.p90), (Some(5), Some(9)));
        let eleven = Spread::of((1..=11).collect());
        assert_eq!((eleven.median, eleven.p90), (Some(6), Some(10)));
    }

    #[test]
    fn csat_figures_are_shares_of_the_answers() {
        let s = Summary {
            csat_sent: 3,
            csat_answered: 2,
            csat_satisfied: 1,
            csat_rating_sum: 7,
            ..Default::default()
        };
        assert_eq!(
            (s.csat_score(), s.csat_response_rate()),
            (Some(50), Some(67))
        );
        assert_eq!(s.csat_mean_text().as_deref(), Some("3.5"));
        assert_eq!(Summary::default().csat_score(), None);
    }

    #[test]
    fn durations_read_in_their_two_largest_units() {
        assert_eq!(duration_text(0), "0 s");
        assert_eq!(duration_text(45), "45 s");
        assert_eq!(duration_text(600), "10 min");
        assert_eq!(duration_text(725), "12 min 5 s");
        assert_eq!(duration_text(3900), "1 h 5 min");
        assert_eq!(duration_text(7200), "2 h");
        assert_eq!(duration_text(86_400 * 2 + 3600 * 4 + 59), "2 d 4 h");
    }

    #[test]
    fn scopes_and_periods_read_back_from_the_address() {
        for scope in [
            Scope::Account,
            Scope::Inbox(3),
            Scope::Agent(4),
            Scope::Team(5),
            Scope::Label(6),
        ] {
            assert_eq!(Scope::parse(&scope.key()), scope);
        }
        assert_eq!(Scope::parse("inbox:x"), Scope::Account);
        assert_eq!(Period::parse("7", "", ""), Period::Last(7));
        assert_eq!(Period::parse("today", "", ""), Period::Today);
        assert_eq!(Period::parse("0", "", ""), Period::Last(30));
        assert_eq!(
            Period::parse("custom", "2026-11-01", "2026-11-30"),
            Period::Custom {
                from: "2026-11-01".into(),
                to: "2026-11-30".into()
            }
        );
    }
}
