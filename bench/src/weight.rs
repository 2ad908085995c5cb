//! Client weight: what the browser downloads before the conversations page is
//! interactive (the hydrate script, its WASM and the stylesheet, all from the release
//! build in `target/site/pkg`), raw and compressed as the server sends it: brotli and
//! gzip at the levels of the precompressed files (`cargo leptos build --release
//! --precompress`), computed here so the figures do not depend on which are present.
use std::io::Write;
use std::path::Path;

use crate::report::table;

fn gzip(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len())
}

fn brotli(bytes: &[u8]) -> anyhow::Result<usize> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(bytes)?;
    }
    Ok(out.len())
}

fn kb(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

/// Prints the table; `Ok(false)` when there is no release build to measure.
pub fn run(site: &Path) -> anyhow::Result<bool> {
    let pkg = site.join("pkg");
    let mut files: Vec<_> = match std::fs::read_dir(&pkg) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("wasm" | "js" | "css")
                )
            })
            .collect(),
        Err(_) => {
            println!(
                "\nClient weight: no build in {} (run `cargo leptos build --release`); skipped",
                pkg.display()
            );
            return Ok(false);
        }
    };
    files.sort();
    let mut rows = Vec::new();
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for file in &files {
        let bytes = std::fs::read(file)?;
        let (g, b) = (gzip(&bytes)?, brotli(&bytes)?);
        raw += bytes.len();
        gz += g;
        br += b;
        rows.push(vec![
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            kb(bytes.len()),
            kb(g),
            kb(b),
        ]);
    }
    rows.push(vec!["**total**".into(), kb(raw), kb(gz), kb(br)]);
    println!(
        "\n### Client weight: the release build in {} (KB)\n",
        pkg.display()
    );
    table(&["file", "raw", "gzip -9", "brotli -11"], &rows);
    Ok(true)
}
