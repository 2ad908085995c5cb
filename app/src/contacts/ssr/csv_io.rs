//! CSV import and export of contacts (the `csv` crate). An import is all or nothing:
//! every row is checked first (the shared rules, duplicates inside the file, contacts
//! already in the account), and only a file without a single error is stored, in one
//! transaction. Export streams the whole book in id order, a batch at a time.
use std::collections::HashMap;

use crate::contacts::model::{ImportReport, ImportRowError};
use crate::contacts::ssr::store::{insert_in_tx, taken_field};
use crate::db::{now_ms, Db};
use crate::domain::spreadsheet::inert;
use crate::domain::{ContactInput, EmailAddress, PhoneNumber};
use crate::error::AppError;
use crate::ui::time::civil;

pub const IMPORT_MAX_ROWS: usize = 100_000;
pub const IMPORT_MAX_BYTES: usize = 20 * 1024 * 1024;
/// Errors listed in one report; a file with more says so by its count.
const REPORT_MAX_ERRORS: usize = 500;
const EXPORT_BATCH: i64 = 1000;

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    Name,
    Email,
    Phone,
    Company,
}

/// Header names we understand, in English and Spanish (folded: no case, no accents).
fn column_of(header: &str) -> Option<Column> {
    let folded = crate::domain::search_text(&[Some(header.trim())]);
    match folded.as_str() {
        "name" | "nombre" | "full name" | "nombre completo" => Some(Column::Name),
        "email" | "e-mail" | "correo" | "correo electronico" | "email address" => {
            Some(Column::Email)
        }
        "phone" | "telefono" | "movil" | "phone number" | "mobile" | "whatsapp" => {
            Some(Column::Phone)
        }
        "company" | "empresa" | "organization" | "organizacion" => Some(Column::Company),
        _ => None,
    }
}

/// Undoes the apostrophe our export puts before values a spreadsheet would run.
fn cell(value: &str) -> String {
    let value = value.trim();
    value.strip_prefix('\'').unwrap_or(value).trim().to_owned()
}

fn error(line: u64, field: &str, code: &str) -> ImportRowError {
    ImportRowError {
        line,
        field: field.to_owned(),
        code: code.to_owned(),
    }
}

pub async fn import(
    db: &Db,
    account_id: i64,
    bytes: &[u8],
    default_country: &str,
) -> Result<ImportReport, AppError> {
    let refuse = |e: ImportRowError| ImportReport {
        imported: 0,
        errors: vec![e],
    };
    if bytes.len() > IMPORT_MAX_BYTES {
        return Ok(refuse(error(0, "file", "too_large")));
    }
    let text = match std::str::from_utf8(bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes)) {
        Ok(text) => text,
        Err(_) => return Ok(refuse(error(0, "file", "not_utf8"))),
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let columns: Vec<Option<Column>> = match reader.headers() {
        Ok(headers) => headers.iter().map(column_of).collect(),
        Err(_) => return Ok(refuse(error(1, "file", "invalid_csv"))),
    };
    if !columns
        .iter()
        .any(|c| matches!(c, Some(Column::Email) | Some(Column::Phone)))
    {
        return Ok(refuse(error(1, "header", "missing_columns")));
    }

    let mut errors = Vec::new();
    let mut contacts = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(err) => {
                let line = err.position().map(|p| p.line()).unwrap_or(0);
                errors.push(error(line, "file", "invalid_csv"));
                break;
            }
        };
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        if contacts.len() + errors.len() >= IMPORT_MAX_ROWS {
            errors.push(error(line, "file", "too_many_rows"));
            break;
        }
        let mut input = ContactInput::default();
        for (value, column) in record.iter().zip(&columns) {
            let target = match column {
                Some(Column::Name) => &mut input.name,
                Some(Column::Email) => &mut input.email,
                Some(Column::Phone) => &mut input.phone,
                Some(Column::Company) => &mut input.company,
                None => continue,
            };
            *target = cell(value);
        }
        let contact = match input.validate(default_country) {
            Ok(contact) => contact,
            Err(e) => {
                errors.push(error(line, &e.field, &e.code));
                continue;
            }
        };
        let keys = [
            ("email", contact.email.as_ref().map(EmailAddress::as_str)),
            ("phone", contact.phone.as_ref().map(PhoneNumber::as_str)),
        ];
        let mut duplicate = false;
        for (field, value) in keys {
            let Some(value) = value else { continue };
            if seen.insert(format!("{field}:{value}"), line).is_some() && !duplicate {
                errors.push(error(line, field, "duplicate_in_file"));
                duplicate = true;
            }
        }
        if !duplicate {
            contacts.push((line, contact));
        }
    }
    if errors.is_empty() {
        let mut conn = db.pool.acquire().await?;
        for (line, contact) in &contacts {
            if let Some(field) = taken_field(&mut conn, account_id, None, contact).await? {
                errors.push(error(*line, field, "taken"));
            }
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.line);
        errors.truncate(REPORT_MAX_ERRORS);
        return Ok(ImportReport {
            imported: 0,
            errors,
        });
    }
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    for (_, contact) in &contacts {
        insert_in_tx(&mut tx, account_id, contact, now).await?;
    }
    tx.finish().await?;
    Ok(ImportReport {
        imported: contacts.len() as u64,
        errors: Vec::new(),
    })
}

fn iso_date(ms: i64) -> String {
    let (y, mo, d, h, mi) = civil(ms, 0);
    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}Z")
}

/// id, name, email, phone, company, created, last activity.
type ExportRow = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
    i64,
);

pub const EXPORT_HEADER: &str = "name,email,phone,company,created_at,last_activity_at\n";

/// One batch of CSV lines after `after_id`, and the last id in it (`None` when done).
pub async fn export_batch(
    db: &Db,
    account_id: i64,
    after_id: i64,
) -> Result<Option<(String, i64)>, AppError> {
    let rows: Vec<ExportRow> = sqlx::query_as(
        "SELECT id, name, email, phone_e164, company, created_at, last_activity_at FROM contacts \
             WHERE account_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    )
    .bind(account_id)
    .bind(after_id)
    .bind(EXPORT_BATCH)
    .fetch_all(&db.pool)
    .await?;
    let Some(last) = rows.last().map(|r| r.0) else {
        return Ok(None);
    };
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    // Visitors without an email or phone are not contacts yet (S9); the batch still
    // advances past them.
    let reachable = rows.iter().filter(|r| r.2.is_some() || r.3.is_some());
    for (_, name, email, phone, company, created, activity) in reachable {
        writer
            .write_record([
                inert(name),
                inert(email.as_deref().unwrap_or_default()),
                inert(phone.as_deref().unwrap_or_default()),
                inert(company.as_deref().unwrap_or_default()),
                iso_date(*created),
                iso_date(*activity),
            ])
            .map_err(|_| AppError::Internal)?;
    }
    let bytes = writer.into_inner().map_err(|_| AppError::Internal)?;
    Ok(Some((
        String::from_utf8(bytes).map_err(|_| AppError::Internal)?,
        last,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_either_language() {
        assert!(column_of(" Teléfono ") == Some(Column::Phone));
        assert!(column_of("Correo electrónico") == Some(Column::Email));
        assert!(column_of("NOMBRE") == Some(Column::Name));
        assert!(column_of("notes").is_none());
    }

    #[test]
    fn formulas_are_made_inert_and_read_back() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+34600123456"), "'+34600123456");
        assert_eq!(inert("Ana"), "Ana");
        assert_eq!(cell(" '+34600123456 "), "+34600123456");
        assert_eq!(iso_date(0), "1970-01-01T00:00Z");
    }
}
