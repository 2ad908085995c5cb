//! Channel secrets (access tokens, app secrets, passwords) encrypted at rest with
//! XChaCha20-Poly1305 under a key from configuration, so a copied database or backup
//! does not hand out credentials. Stored as `v1:` + base64(nonce ‖ ciphertext).
pub mod hashing;
pub mod password;
pub mod token;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use std::path::Path;

const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 24;

#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    /// For [`SecretBox::keyed_hash`]: derived from the key, never the key itself.
    mac_key: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("CHARLA_SECRET_KEY must be 32 bytes in base64 (e.g. `openssl rand -base64 32`)")]
    BadKey,
    #[error("reading or writing the key file {path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
}

impl SecretBox {
    pub fn from_key(key: &[u8; 32]) -> SecretBox {
        use sha2::{Digest, Sha256};
        let mac_key: [u8; 32] = Sha256::new()
            .chain_update(b"charla-keyed-hash:")
            .chain_update(key)
            .finalize()
            .into();
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
            mac_key,
        }
    }

    /// HMAC-SHA256 of `text` under the installation's key, hex: a value derived from a
    /// stored one that a copy of the database alone cannot compute.
    pub fn keyed_hash(&self, text: &str) -> String {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC takes a key of any length");
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The key from base64 text (`CHARLA_SECRET_KEY`).
    pub fn from_base64(text: &str) -> Result<SecretBox, KeyError> {
        let bytes = STANDARD.decode(text.trim()).map_err(|_| KeyError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| KeyError::BadKey)?;
        Ok(SecretBox::from_key(&key))
    }

    /// The key kept in `path`, created (readable by the owner only) on first use.
    /// Creation is atomic, so two processes starting together agree on one key.
    pub fn from_file(path: &Path) -> Result<SecretBox, KeyError> {
        let err = |source| KeyError::File {
            path: path.display().to_string(),
            source,
        };
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(err)?;
            }
            let key = XChaCha20Poly1305::generate_key(&mut OsRng);
            let temp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&temp, STANDARD.encode(key)).map_err(err)?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&temp, std::fs::Permissions::from_mode(0o600))
                    .map_err(err)?;
            }
            // A hard link fails when another process made the file first: theirs wins.
            let _ = std::fs::hard_link(&temp, path);
            let _ = std::fs::remove_file(&temp);
        }
        let text = std::fs::read_to_string(path).map_err(err)?;
        SecretBox::from_base64(&text)
    }

    pub fn seal(&self, plain: &str) -> String {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(&nonce, plain.as_bytes())
            .expect("XChaCha20-Poly1305 encryption does not fail for in-memory input");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(out))
    }

    /// `None` when the text was sealed with another key or altered.
    pub fn open(&self, sealed: &str) -> Option<String> {
        let bytes = STANDARD.decode(sealed.strip_prefix(PREFIX)?).ok()?;
        if bytes.len() < NONCE_LEN {
            return None;
        }
        let (nonce, body) = bytes.split_at(NONCE_LEN);
        let plain = self.cipher.decrypt(XNonce::from_slice(nonce), body).ok()?;
        String::from_utf8(plain).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_text_opens_only_with_its_key() {
        let a = SecretBox::from_key(&[7; 32]);
        let b = SecretBox::from_key(&[8; 32]);
        let sealed = a.seal("EAAB-token");
        assert!(!sealed.contains("EAAB"));
        assert_ne!(sealed, a.seal("EAAB-token"), "a fresh nonce each time");
        assert_eq!(a.open(&sealed).as_deref(), Some("EAAB-token"));
        assert_eq!(b.open(&sealed), None);
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push('A');
        assert_eq!(a.open(&tampered), None);
        assert_eq!(a.open("plain"), None);
    }

    #[test]
    fn key_file_is_created_once_and_reused() {
        let dir = std::env::temp_dir().join(format!("charla-key-{}", std::process::id()));
        let path = dir.join("secret.key");
        let first = SecretBox::from_file(&path).unwrap();
        let second = SecretBox::from_file(&path).unwrap();
        assert_eq!(second.open(&first.seal("x")).as_deref(), Some("x"));
        assert!(SecretBox::from_base64("c2hvcnQ=").is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
