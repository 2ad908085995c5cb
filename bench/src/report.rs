//! Latency samples and the printed table.
use std::time::Duration;

pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn new() -> Self {
        Samples(Vec::new())
    }

    pub fn push(&mut self, d: Duration) {
        self.0.push(d);
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The `p`-th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted[rank.clamp(1, sorted.len()) - 1]
    }
}

pub fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

/// Prints a Markdown table (so it can be pasted into BENCHMARKS.md as is).
pub fn table(headers: &[&str], rows: &[Vec<String>]) {
    println!("| {} |", headers.join(" | "));
    println!("|{}", headers.iter().map(|_| "---|").collect::<String>());
    for row in rows {
        println!("| {} |", row.join(" | "));
    }
}
