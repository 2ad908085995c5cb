//! Stored files (attachments). Deleting their rows queues the keys in
//! `file_deletions` in the same transaction; [`drain_deletions`] removes the files
//! after commit and keeps retrying until each is gone, so a crash or a storage outage
//! never leaves a file behind for good.
pub mod attachment;
pub mod detect;
pub mod remux;
pub mod uploads;

pub use attachment::NewAttachment;

use bytes::Bytes;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload, WriteMultipart};
use sqlx::Row;
use std::sync::Arc;

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

/// Where files live: a local directory (the default) or an S3-compatible bucket,
/// through `object_store`, so every caller writes and reads the same way.
#[derive(Clone)]
pub struct Files {
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.store)
    }
}

/// An S3-compatible bucket (`CHARLA_S3_*`).
#[derive(Debug, Clone, Default)]
pub struct S3Settings {
    pub bucket: String,
    /// Empty: AWS itself; else e.g. `http://127.0.0.1:9000` (MinIO, Garage, Ceph…).
    pub endpoint: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

pub type StorageError = object_store::Error;

impl Files {
    /// A local directory (created when missing).
    pub fn local(root: impl AsRef<std::path::Path>) -> std::io::Result<Files> {
        std::fs::create_dir_all(root.as_ref())?;
        let store = LocalFileSystem::new_with_prefix(root.as_ref())
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(Files {
            store: Arc::new(store),
        })
    }

    pub fn s3(settings: &S3Settings) -> Result<Files, StorageError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(if settings.region.is_empty() {
                "us-east-1"
            } else {
                &settings.region
            })
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if !settings.endpoint.is_empty() {
            builder = builder
                .with_endpoint(&settings.endpoint)
                .with_allow_http(settings.endpoint.starts_with("http://"));
        }
        Ok(Files {
            store: Arc::new(builder.build()?),
        })
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

    /// Writes a file whole; readers never see half of it (a local file is renamed
    /// into place, an S3 object appears when its upload completes).
    pub async fn put(&self, key: &str, bytes: impl Into<Bytes>) -> Result<(), StorageError> {
        let path = path_of(key)?;
        self.store
            .put(&path, PutPayload::from(bytes.into()))
            .await?;
        Ok(())
    }

    /// A file written in parts as they arrive (an upload from a browser).
    pub async fn writer(&self, key: &str) -> Result<FileWriter, StorageError> {
        let path = path_of(key)?;
        let upload = self.store.put_multipart(&path).await?;
        Ok(FileWriter {
            inner: WriteMultipart::new_with_chunk_size(upload, 5 * 1024 * 1024),
        })
    }

    /// A file's size, to answer a `Range` request before reading it.
    pub async fn size(&self, key: &str) -> Result<u64, StorageError> {
        Ok(self.store.head(&path_of(key)?).await?.size)
    }

    /// A file's bytes `range` (all of it when `None`) as a stream: downloads never hold
    /// a whole file in memory.
    pub async fn stream(
        &self,
        key: &str,
        range: Option<std::ops::Range<u64>>,
    ) -> Result<futures::stream::BoxStream<'static, Result<Bytes, StorageError>>, StorageError>
    {
        let options = object_store::GetOptions {
            range: range.map(object_store::GetRange::Bounded),
            ..Default::default()
        };
        Ok(self
            .store
            .get_opts(&path_of(key)?, options)
            .await?
            .into_stream())
    }

    pub async fn read(&self, key: &str) -> Result<Bytes, StorageError> {
        let path = path_of(key)?;
        self.store.get(&path).await?.bytes().await
    }

    /// Removes a file; one that is already gone counts as removed.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        let Ok(path) = path_of(key) else {
            return Ok(());
        };
        match self.store.delete(&path).await {
            Err(object_store::Error::NotFound { .. }) | Ok(()) => Ok(()),
            Err(err) => Err(err),
        }
    }

    /// Whether a file is there (tests and clean-up checks).
    pub async fn exists(&self, key: &str) -> Result<bool, StorageError> {
        match self.store.head(&path_of(key)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(err) => Err(err),
        }
    }
}

/// A file being written; nothing is visible under its key until [`FileWriter::finish`],
/// and [`FileWriter::abort`] leaves nothing behind.
pub struct FileWriter {
    inner: WriteMultipart,
}

impl FileWriter {
    pub async fn write(&mut self, chunk: Bytes) -> Result<(), StorageError> {
        self.inner.wait_for_capacity(4).await?;
        self.inner.put(chunk);
        Ok(())
    }

    pub async fn finish(self) -> Result<(), StorageError> {
        self.inner.finish().await.map(|_| ())
    }

    pub async fn abort(self) -> Result<(), StorageError> {
        self.inner.abort().await
    }
}

/// A key as an object path; keys that would leave the root are refused.
fn path_of(key: &str) -> Result<ObjectPath, StorageError> {
    let safe = !key.is_empty()
        && std::path::Path::new(key)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !safe {
        return Err(object_store::Error::Generic {
            store: "charla",
            source: format!("unsafe storage key {key:?}").into(),
        });
    }
    ObjectPath::parse(key).map_err(|err| object_store::Error::Generic {
        store: "charla",
        source: Box::new(err),
    })
}

/// Removes every due queued file; returns how many were removed.
pub async fn drain_deletions(db: &Db, files: &Files) -> Result<usize, sqlx::Error> {
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
        assert!(path_of("1/ab/c.png").is_ok());
        assert!(path_of("../etc/passwd").is_err());
        assert!(path_of("/etc/passwd").is_err());
        assert!(path_of("").is_err());
        assert!(path_of("1/../../x").is_err());
    }

    #[tokio::test]
    async fn local_files_round_trip_and_abort_leaves_nothing() {
        let dir = std::env::temp_dir().join(format!("charla-files-{}", rand::random::<u64>()));
        let files = Files::local(&dir).unwrap();
        files.put("1/a.txt", b"hola".to_vec()).await.unwrap();
        assert_eq!(&files.read("1/a.txt").await.unwrap()[..], b"hola");
        let mut writer = files.writer("1/b.bin").await.unwrap();
        writer.write(Bytes::from_static(b"medio")).await.unwrap();
        writer.abort().await.unwrap();
        assert!(!files.exists("1/b.bin").await.unwrap());
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("1")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "only a.txt remains: {leftovers:?}");
        files.delete("1/a.txt").await.unwrap();
        files.delete("1/a.txt").await.unwrap();
        std::fs::remove_dir_all(dir).unwrap();
    }
}
