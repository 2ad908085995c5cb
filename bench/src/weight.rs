//! Client weight: what the browser downloads before the conversations page is
//! interactive (the hydrate script and the split loader, the main WASM and the
//! stylesheet, all from the release build in `target/site/pkg`), and apart from it the
//! WASM chunks of the lazy pages, fetched when one is first shown; raw and compressed as the server sends it: brotli and
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

/// The main WASM module (`output-name` in Cargo.toml).
const MAIN_WASM: &str = "charla.wasm";

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
                "\nClient weight: no build in {} (run `cargo leptos build --release --precompress --split`); skipped",
                pkg.display()
            );
            return Ok(false);
        }
    };
    files.sort();
    let mut rows = Vec::new();
    // (raw, gzip, brotli) before interactive, then on demand.
    let mut totals = [(0, 0, 0); 2];
    for file in &files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `--split` leaves the main module under the output name; every other WASM
        // file is a lazy page's chunk.
        let on_demand = name.ends_with(".wasm") && name != MAIN_WASM;
        let bytes = std::fs::read(file)?;
        let (g, b) = (gzip(&bytes)?, brotli(&bytes)?);
        let total = &mut totals[usize::from(on_demand)];
        total.0 += bytes.len();
        total.1 += g;
        total.2 += b;
        rows.push(vec![
            name,
            if on_demand {
                "on demand"
            } else {
                "before interactive"
            }
            .to_owned(),
            kb(bytes.len()),
            kb(g),
            kb(b),
        ]);
    }
    for (label, (raw, gz, br)) in ["**before interactive**", "**on demand (lazy pages)**"]
        .into_iter()
        .zip(totals)
    {
        rows.push(vec![label.into(), String::new(), kb(raw), kb(gz), kb(br)]);
    }
    println!(
        "\n### Client weight: the release build in {} (KB)\n",
        pkg.display()
    );
    table(&["file", "loaded", "raw", "gzip -9", "brotli -11"], &rows);
    Ok(true)
}
