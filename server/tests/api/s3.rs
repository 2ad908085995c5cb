//! A local S3-compatible server for the storage tests: `moto_server` (PyPI's
//! `moto[server]`, installed by `scripts/setup.sh`), one per test on a free port.
use std::process::{Child, Command, Stdio};

use app::storage::S3Settings;

pub struct MotoServer {
    child: Child,
    endpoint: String,
}

impl MotoServer {
    /// `None` (with the reason printed) where moto is not installed.
    pub async fn start() -> Option<MotoServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = match Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(err) => {
                eprintln!("skipped: moto_server not available ({err}); run scripts/setup.sh");
                return None;
            }
        };
        let server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        for _ in 0..200 {
            if reqwest::get(&server.endpoint).await.is_ok() {
                return Some(server);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        eprintln!("skipped: moto_server did not start on port {port}");
        None
    }

    /// Settings for a bucket, created now.
    pub fn settings(&self, bucket: &str) -> S3Settings {
        let endpoint = self.endpoint.clone();
        let url = format!("{endpoint}/{bucket}");
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                let res = reqwest::Client::new().put(&url).send().await.unwrap();
                assert!(res.status().is_success(), "bucket: {}", res.status());
            });
        })
        .join()
        .unwrap();
        S3Settings {
            bucket: bucket.into(),
            endpoint: self.endpoint.clone(),
            region: "us-east-1".into(),
            access_key_id: "test".into(),
            secret_access_key: "test".into(),
        }
    }

    /// How many objects the bucket holds (in-progress multipart uploads excluded).
    pub async fn object_count(&self, bucket: &str) -> usize {
        let listing = reqwest::get(format!("{}/{bucket}?list-type=2", self.endpoint))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        listing.matches("<Key>").count()
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
