//! Tests of `agents`.
use super::*;
use crate::domain::{Availability, Role};

#[test]
fn display_name_wins_when_set() {
    let mut agent = AgentProfile {
        id: 1,
        account_id: 1,
        email: "a@b.es".into(),
        name: "Lucía Fernández".into(),
        display_name: Some("  ".into()),
        role: Role::Agent,
        availability: Availability::Online,
    };
    assert_eq!(agent.shown_name(), "Lucía Fernández");
    agent.display_name = Some("Lucía".into());
    assert_eq!(agent.shown_name(), "Lucía");
}
