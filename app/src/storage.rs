//! Stored files (attachments). Deleting their rows queues the keys in
//! `file_deletions` in the same transaction; [`drain_deletions`] removes the files
//! after commit and keeps retrying until each is gone, so a crash or a storage outage
//! never leaves a file behind for good.
use sqlx::Row;
use std::path::{Path, PathBuf};

use crate::db::{now_ms, Db};

/// A file name safe to show and to offer for download: no path separators, quotes,
/// control or shell-special characters, no leading dots; `None` when nothing is left.
pub fn clean_file_name(name: &str) -> Option<String> {
    let cleaned: String = name
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | '"' | '<' | '>' | ':' | '|' | '?' | '*')
        })
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim();
    (!cleaned.is_empty()).then(|| cleaned.to_owned())
}

/// A local directory holding files by key.
#[derive(Debug, Clone)]
pub struct LocalFiles {
    root: PathBuf,
}

impl LocalFiles {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalFiles { root: root.into() }
    }

    /// The path of a key; `None` for keys that would leave the root.
    pub fn path_of(&self, key: &str) -> Option<PathBuf> {
        let relative = Path::new(key);
        let safe = !key.is_empty()
            && relative
                .components()
                .all(|c| matches!(c, std::path::Component::Normal(_)));
        safe.then(|| self.root.join(relative))
    }

    /// A fresh key for a file of `account_id`, keeping a safe extension.
    pub fn new_key(account_id: i64, extension: &str) -> String {
        use rand::Rng;
        let random: [u8; 16] = rand::thread_rng().gen();
        let ext: String = extension
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        let name: String = random.iter().map(|b| format!("{b:02x}")).collect();
        if ext.is_empty() {
            format!("{account_id}/{name}")
        } else {
            format!("{account_id}/{name}.{ext}")
        }
    }

    /// Writes a file whole: to a temporary name first, so a reader never sees half.
    pub async fn put(&self, key: &str, bytes: &[u8]) -> std::io::Result<()> {
        let path = self
            .path_of(key)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad key"))?;
        if let Some(dir) = path.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        let temp = path.with_extension("part");
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &path).await
    }

    pub async fn read(&self, key: &str) -> std::io::Result<Vec<u8>> {
        let path = self
            .path_of(key)
            .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "bad key"))?;
        tokio::fs::read(path).await
    }

    /// Removes a file; one that is already gone counts as removed.
    pub async fn delete(&self, key: &str) -> std::io::Result<()> {
        let Some(path) = self.path_of(key) else {
            return Ok(());
        };
        match tokio::fs::remove_file(path).await {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

/// Removes every due queued file; returns how many were removed.
pub async fn drain_deletions(db: &Db, files: &LocalFiles) -> Result<usize, sqlx::Error> {
    let now = now_ms();
    let rows = sqlx::query(
        "SELECT id, storage_key, attempts FROM file_deletions WHERE next_attempt_at <= $1 ORDER BY id LIMIT 200",
    )
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut removed = 0;
    for row in rows {
        let id: i64 = row.try_get("id")?;
        let key: String = row.try_get("storage_key")?;
        let attempts: i64 = row.try_get("attempts")?;
        match files.delete(&key).await {
            Ok(()) => {
                sqlx::query("DELETE FROM file_deletions WHERE id = $1")
                    .bind(id)
                    .execute(&db.pool)
                    .await?;
                removed += 1;
            }
            Err(err) => {
                tracing::warn!(key, error = %err, "stored file not removed yet; will retry");
                let backoff = 1000 * 2_i64.pow(attempts.clamp(0, 10) as u32);
                sqlx::query(
                    "UPDATE file_deletions SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3",
                )
                .bind(now + backoff.min(3_600_000))
                .bind(err.to_string())
                .bind(id)
                .execute(&db.pool)
                .await?;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_stay_inside_the_root() {
        let files = LocalFiles::new("/data/files");
        assert_eq!(
            files.path_of("1/ab/c.png"),
            Some(PathBuf::from("/data/files/1/ab/c.png"))
        );
        assert_eq!(files.path_of("../etc/passwd"), None);
        assert_eq!(files.path_of("/etc/passwd"), None);
        assert_eq!(files.path_of(""), None);
    }
}
