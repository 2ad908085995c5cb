//! Contact search on a large book: seeds N contacts (Spanish names with accents,
//! unique emails and E.164 phones), then times `contacts/list` over HTTP through the
//! real server for a name fragment, an accent-free fragment, an email fragment and a
//! phone fragment, on SQLite and (when it answers) PostgreSQL.
use serde_json::json;
use std::time::Instant;

use crate::report::{ms, table, Samples};
use app::domain::contact::ValidContact;
use app::domain::{EmailAddress, PhoneNumber};

const FIRST: &[&str] = &[
    "José", "María", "Ángela", "Lucía", "Íñigo", "Sofía", "Andrés", "Carmen", "Raúl", "Begoña",
    "Jesús", "Inés", "Óscar", "Nuria", "Tomás", "Elena", "Joaquín", "Marta", "Rubén", "Noelia",
];
const LAST: &[&str] = &[
    "García",
    "Martínez",
    "López",
    "Sánchez",
    "Pérez",
    "Gómez",
    "Martín",
    "Jiménez",
    "Ruiz",
    "Hernández",
    "Díaz",
    "Moreno",
    "Muñoz",
    "Álvarez",
    "Romero",
    "Alonso",
    "Gutiérrez",
    "Navarro",
    "Torres",
    "Domínguez",
    "Vázquez",
    "Ramos",
    "Gil",
    "Ramírez",
    "Serrano",
    "Blanco",
    "Molina",
    "Morales",
    "Suárez",
    "Ortega",
    "Delgado",
    "Castro",
    "Ortiz",
    "Rubio",
    "Marín",
    "Sanz",
    "Núñez",
];
const DOMAINS: &[&str] = &[
    "correo.es",
    "example.com",
    "tienda.net",
    "empresa.org",
    "mail.test",
];

/// A deterministic generator, so every run seeds the same book.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn contact(rng: &mut Rng, i: usize) -> ValidContact {
    let first = rng.pick(FIRST);
    let last = rng.pick(LAST);
    let last2 = rng.pick(LAST);
    let domain = rng.pick(DOMAINS);
    let plain = app::domain::search_text(&[Some(first)]);
    let email = format!("{plain}.{i}@{domain}");
    ValidContact {
        name: format!("{first} {last} {last2}"),
        email: Some(EmailAddress::parse(&email).expect("generated email")),
        // Spanish mobiles 6xx xxx xxx, one per contact.
        phone: Some(PhoneNumber::from_e164(format!("+34{}", 600_000_000 + i))),
        company: None,
    }
}

async fn seed(db: &app::db::Db, count: usize) -> anyhow::Result<std::time::Duration> {
    let started = Instant::now();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    const ROWS_PER_INSERT: usize = 500;
    let mut done = 0;
    while done < count {
        let mut tx = db.begin_write().await?;
        for _ in 0..20 {
            let n = ROWS_PER_INSERT.min(count - done);
            if n == 0 {
                break;
            }
            let mut sql = String::from(
                "INSERT INTO contacts (account_id, name, email, phone_e164, search_text, sort_name, \
                 last_activity_at, created_at, updated_at) VALUES ",
            );
            let rows: Vec<ValidContact> = (done..done + n).map(|i| contact(&mut rng, i)).collect();
            for k in 0..n {
                let b = k * 7;
                if k > 0 {
                    sql.push(',');
                }
                sql.push_str(&format!(
                    "(1, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5,
                    b + 6,
                    b + 7,
                    b + 7
                ));
            }
            let mut q = sqlx::query(&sql);
            for (k, c) in rows.iter().enumerate() {
                let at = 1_700_000_000_000_i64 + (done + k) as i64 * 1000;
                q = q
                    .bind(c.name.clone())
                    .bind(c.email.as_ref().map(|e| e.as_str().to_owned()))
                    .bind(c.phone.as_ref().map(|p| p.as_str().to_owned()))
                    .bind(c.search_text())
                    .bind(c.sort_name())
                    .bind(at)
                    .bind(at);
            }
            q.execute(tx.conn()).await?;
            done += n;
        }
        tx.finish().await?;
    }
    crate::analyze(db).await?;
    Ok(started.elapsed())
}

pub async fn run(count: usize, samples: usize) -> anyhow::Result<()> {
    let queries = [
        ("name fragment", "martí"),
        ("accent-free fragment", "inigo nunez"),
        ("email fragment", "lucia.12"),
        ("phone fragment", "600 123 4"),
        ("2-character prefix", "jo"),
    ];
    let mut rows = Vec::new();
    for postgres in [false, true] {
        let Some((backend, running)) = crate::start_fresh(postgres).await? else {
            continue;
        };
        eprintln!("{backend}: seeding {count} contacts…");
        let seeded = seed(&running.state.db, count).await?;
        eprintln!("{backend}: seeded in {:.1} s", seeded.as_secs_f64());
        let client = crate::signed_in(running.addr, "admin@charla.local").await?;
        let url = format!("http://{}/api/contacts/list", running.addr);
        for (label, query) in queries {
            let body = json!({"query": query, "sort": "name", "after": null});
            let mut hits = 0;
            for _ in 0..samples.min(20) {
                let res = client.post(&url).json(&body).send().await?;
                anyhow::ensure!(res.status().is_success(), "{label}: {}", res.status());
                let page: serde_json::Value = res.json().await?;
                hits = page["items"].as_array().map(Vec::len).unwrap_or(0);
            }
            let mut timings = Samples::new();
            for _ in 0..samples {
                let started = Instant::now();
                let res = client.post(&url).json(&body).send().await?;
                let _ = res.bytes().await?;
                timings.push(started.elapsed());
            }
            rows.push(vec![
                backend.to_owned(),
                format!("{count}"),
                format!("{label} `{query}`"),
                format!("{hits}"),
                ms(timings.percentile(50.0)),
                ms(timings.percentile(99.0)),
            ]);
        }
        if postgres {
            crate::drop_database(&running).await;
        }
    }
    println!("\n### Contact search: first page (50 rows, sorted by name) through `POST /api/contacts/list`\n");
    table(
        &[
            "database",
            "contacts",
            "query",
            "rows on page",
            "p50 ms",
            "p99 ms",
        ],
        &rows,
    );
    Ok(())
}
