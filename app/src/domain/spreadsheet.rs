//! Text written to CSV files that people open in spreadsheets.

/// A value a spreadsheet would evaluate (`=`, `+`, `-`, `@`, tab, CR) gets an
/// apostrophe, which spreadsheets hide and the contact import removes.
pub fn inert(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}
