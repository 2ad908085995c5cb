//! Property-based fuzzing of the parsers that read what strangers send: Meta's webhook
//! payloads, inbound email, uploaded files' type detection and the voice remux. Each
//! target gets random inputs and mutations of valid samples (bit flips, cuts, inserted
//! tokens of its format), and must never panic, whatever it is given; the email parser
//! must in addition never let a script through its HTML sanitiser.
//!
//! A failing input is shrunk by proptest and its seed kept under
//! `app/tests/fuzz.proptest-regressions`, replayed first on every later run.
//! `PROPTEST_CASES` raises the number of inputs per target (default here: 3,000) for a
//! longer campaign; the suite's run prints what it tried.
#![cfg(feature = "ssr")]

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(Index, u8),
    SetByte(Index, u8),
    Insert(Index, Vec<u8>),
    Token(Index, Index),
    Delete(Index, usize),
    Duplicate(Index, usize),
    Truncate(Index),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        (
            any::<Index>(),
            prop_oneof![Just(0u8), Just(0xff), Just(0x7f), Just(0x80), any::<u8>()]
        )
            .prop_map(|(i, b)| Mutation::SetByte(i, b)),
        (any::<Index>(), prop::collection::vec(any::<u8>(), 1..16))
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Mutation::Token(i, t)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn apply(seed: &[u8], mutations: &[Mutation], tokens: &[&[u8]]) -> Vec<u8> {
    let mut data = seed.to_vec();
    for m in mutations {
        let at = |i: &Index, data: &Vec<u8>| i.index(data.len() + 1);
        match m {
            Mutation::FlipBit(i, bit) if !data.is_empty() => {
                let i = i.index(data.len());
                data[i] ^= 1 << bit;
            }
            Mutation::SetByte(i, b) if !data.is_empty() => {
                let i = i.index(data.len());
                data[i] = *b;
            }
            Mutation::Insert(i, bytes) => {
                let i = at(i, &data);
                data.splice(i..i, bytes.iter().copied());
            }
            Mutation::Token(i, t) if !tokens.is_empty() => {
                let i = at(i, &data);
                let token = tokens[t.index(tokens.len())];
                data.splice(i..i, token.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(i, &data);
                let end = (i + n).min(data.len());
                data.drain(i..end);
            }
            Mutation::Duplicate(i, n) => {
                let i = at(i, &data);
                let end = (i + n).min(data.len());
                let copy = data[i..end].to_vec();
                data.splice(i..i, copy);
            }
            Mutation::Truncate(i) => {
                let i = at(i, &data);
                data.truncate(i);
            }
            _ => {}
        }
    }
    data
}

/// Random bytes, or a valid sample with up to 8 mutations.
fn inputs(
    seeds: &'static [&'static [u8]],
    tokens: &'static [&'static [u8]],
) -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..512),
        4 => (0..seeds.len(), prop::collection::vec(mutation(), 0..8))
            .prop_map(move |(s, ms)| apply(seeds[s], &ms, tokens)),
    ]
    .boxed()
}

fn config() -> Config {
    // PROPTEST_CASES, when set, wins over this default (proptest reads it).
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    Config {
        cases,
        ..Config::default()
    }
}

/// Runs a target and prints what it tried and how long it took.
fn campaign(name: &str, strategy: BoxedStrategy<Vec<u8>>, check: impl Fn(&[u8])) {
    let config = config();
    let cases = config.cases;
    let started = std::time::Instant::now();
    let mut runner = proptest::test_runner::TestRunner::new_with_rng(
        Config {
            failure_persistence: Some(Box::new(
                proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
            )),
            source_file: Some(file!()),
            ..config
        },
        proptest::test_runner::TestRng::deterministic_rng(
            proptest::test_runner::RngAlgorithm::ChaCha,
        ),
    );
    let result = runner.run(&strategy, |input| {
        check(&input);
        Ok(())
    });
    println!(
        "fuzz {name}: {cases} inputs in {:.2} s",
        started.elapsed().as_secs_f64()
    );
    if let Err(err) = result {
        panic!("fuzz {name}: {err}");
    }
}

const WEBHOOK_SEEDS: &[&[u8]] = &[
    br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"34600000000","phone_number_id":"123"},"contacts":[{"profile":{"name":"Elena"},"wa_id":"34612345678"}],"messages":[{"from":"34612345678","id":"wamid.1","timestamp":"1795514400","type":"text","text":{"body":"Hola"}}]}}]}]}"#,
    br#"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"123"},"messages":[{"from":"34612345678","id":"wamid.2","timestamp":"1795514400","type":"image","image":{"id":"img1","mime_type":"image/png","caption":"Mi pedido"}},{"from":"34612345678","id":"wamid.3","timestamp":"1","type":"audio","audio":{"id":"v1","mime_type":"audio/ogg; codecs=opus","voice":true}},{"from":"1","id":"w.4","timestamp":"x","type":"document","document":{"id":"d","filename":"../../etc/passwd","mime_type":"application/pdf"}},{"from":"1","id":"w.5","type":"location","location":{"latitude":40.4,"longitude":-3.7,"name":"Sol","address":"Puerta del Sol 1"}},{"from":"1","id":"w.6","type":"contacts","contacts":[{"name":{"formatted_name":"Ana"},"phones":[{"phone":"+34 600"}]}]},{"from":"1","id":"w.7","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"b","title":"S\u00ed"}}},{"from":"1","id":"w.8","type":"reaction","reaction":{"message_id":"wamid.1","emoji":"\u00f1"}},{"from":"1","id":"w.9","type":"unsupported","errors":[{"code":131051}]}]}}]}]}"#,
    br#"{"entry":[{"changes":[{"value":{"statuses":[{"id":"wamid.1","status":"read","timestamp":"1795514400","recipient_id":"34612345678"},{"id":"wamid.2","status":"failed","timestamp":"1","errors":[{"code":131047,"title":"Re-engagement message","error_data":{"details":"more than 24 hours"}}]}]}}]}]}"#,
];
const JSON_TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b":",
    b",",
    b"null",
    b"true",
    b"-1",
    b"1e999",
    b"\\u0000",
    b"\\ud800",
    b"\"type\":\"image\"",
    b"\"type\":\"audio\"",
    b"\"voice\":true",
    b"\"timestamp\":\"\"",
    b"\"messages\":[",
    b"\"statuses\":[",
    b"\"id\":",
    b"\"from\":",
    "ñ😀".as_bytes(),
];

#[test]
fn webhook_payloads_never_panic() {
    use app::channels::whatsapp::webhook::{incoming, status_update, Payload};
    campaign(
        "whatsapp webhook",
        inputs(WEBHOOK_SEEDS, JSON_TOKENS),
        |body| {
            if let Ok(payload) = serde_json::from_slice::<Payload>(body) {
                for value in payload
                    .entry
                    .iter()
                    .flat_map(|e| &e.changes)
                    .map(|c| &c.value)
                {
                    for message in &value.messages {
                        if let Some(incoming) = incoming(message) {
                            assert!(!incoming.id.is_empty() && !incoming.from.is_empty());
                        }
                    }
                    for status in &value.statuses {
                        let _ = status_update(status);
                    }
                }
            }
        },
    );
}

const MAIL_SEEDS: &[&[u8]] = &[
    b"From: Elena Prieto <elena@example.org>\r\nTo: soporte@tienda.example\r\nSubject: Re: Tu pedido\r\nMessage-ID: <CAF1@mail.example.org>\r\nIn-Reply-To: <charla.7.a1@tienda.example>\r\nReferences: <first@tienda.example> <charla.7.a1@tienda.example>\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nGracias.\r\n\r\nEl lun, 23 nov 2026, Soporte escribi\xc3\xb3:\r\n> Ya sali\xc3\xb3.\r\n--b\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p onclick=\"x()\">Gracias<script>alert(1)</script><img src=\"https://t.example/p.gif\"></p>\r\n--b--\r\n",
    b"From: =?utf-8?B?Sm9zw6k=?= <jose@example.org>\r\nTo: soporte@tienda.example\r\nSubject: =?iso-8859-1?Q?Factura_a=F1o?=\r\nMessage-ID: <m2@example.org>\r\nAuto-Submitted: no\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n--outer\r\nContent-Type: text/html; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<a href=3D\"javascript:alert(1)\">f</a><iframe src=3D\"x\"></iframe>\r\n--outer\r\nContent-Type: application/pdf; name=\"../factura.pdf\"\r\nContent-Disposition: attachment; filename=\"../factura.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IK\r\n--outer--\r\n",
    b"From: MAILER-DAEMON@example.org\r\nSubject: Undelivered\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n\r\n--r\r\n\r\nfailed\r\n--r\r\nContent-Type: message/rfc822\r\n\r\nFrom: a@b\r\nSubject: inner\r\n\r\nbody\r\n--r--\r\n",
];
const MAIL_TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\r\n\r\n",
    b"--b\r\n",
    b"--outer--",
    b"Content-Type: multipart/mixed; boundary=\"x\"\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"=?utf-8?B?",
    b"=?utf-8?Q?",
    b"?=",
    b"=\r\n",
    b"=C3=B1",
    b"charset=utf-16",
    b"<script>",
    b"<svg onload=alert(1)>",
    b"<img src=x onerror=alert(1)>",
    b"javascript:",
    b"<",
    b"References: <",
    b"Message-ID: <",
    b"Date: ",
    b"From: ",
    b"\"",
    b";",
    b"\xff\xfe",
];

#[test]
fn inbound_mail_never_panics_and_never_keeps_a_script() {
    use app::channels::email::parse::parse;
    campaign("email", inputs(MAIL_SEEDS, MAIL_TOKENS), |raw| {
        if let Some(mail) = parse(raw, "soporte@tienda.example") {
            if let Some(html) = mail.html {
                if let Some(active) = active_markup(&html) {
                    panic!("sanitised HTML kept {active}: {html}");
                }
            }
        }
    });
}

/// Something in serialised HTML that could run script: a script-ish element, an event
/// handler attribute, or a `javascript:` address. Reads tags with their quoted values,
/// so text and attribute values that merely mention these are not counted.
fn active_markup(html: &str) -> Option<String> {
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        // The tag runs to the first '>' outside quotes.
        let (mut end, mut quote) = (rest.len(), None);
        for (i, c) in rest.char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let tag = &rest[..end];
        rest = &rest[end..];
        let name: String = tag
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '/' && *c != '>')
            .collect::<String>()
            .to_ascii_lowercase();
        if [
            "script", "iframe", "object", "embed", "frame", "base", "form", "meta", "link", "style",
        ]
        .contains(&name.as_str())
        {
            return Some(format!("a <{name}> element"));
        }
        // Attributes: name[=value], values possibly quoted.
        let mut attrs = &tag[name.len().min(tag.len())..];
        loop {
            attrs = attrs.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if attrs.is_empty() {
                break;
            }
            let name_end = attrs
                .find(|c: char| c.is_whitespace() || c == '=' || c == '/')
                .unwrap_or(attrs.len());
            let attr = attrs[..name_end].to_ascii_lowercase();
            attrs = attrs[name_end..].trim_start();
            let mut value = String::new();
            if let Some(after) = attrs.strip_prefix('=') {
                let after = after.trim_start();
                let (v, next) = match after.chars().next() {
                    Some(q @ ('"' | '\'')) => {
                        let body = &after[1..];
                        let close = body.find(q).unwrap_or(body.len());
                        (&body[..close], &body[(close + 1).min(body.len())..])
                    }
                    _ => {
                        let close = after.find(char::is_whitespace).unwrap_or(after.len());
                        (&after[..close], &after[close..])
                    }
                };
                value = v.to_owned();
                attrs = next;
            }
            if attr.starts_with("on") {
                return Some(format!("an event handler ({attr})"));
            }
            let compact: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if compact.starts_with("javascript:")
                || compact.starts_with("vbscript:")
                || compact.starts_with("data:text/html")
            {
                return Some(format!("a script address in {attr}"));
            }
        }
    }
    None
}

#[test]
fn the_markup_check_finds_what_it_should() {
    assert_eq!(
        active_markup("<p>javascript: onclick= &lt;script&gt;</p>"),
        None
    );
    assert_eq!(
        active_markup("<a title=\"x onclick=y <script>\">t</a>"),
        None
    );
    assert!(active_markup("<p onclick=\"x()\">a</p>").is_some());
    assert!(active_markup("<a href=' JavaScript:alert(1)'>a</a>").is_some());
    assert!(active_markup("<SCRIPT>alert(1)</SCRIPT>").is_some());
    assert!(active_markup("<img src=x onerror=alert(1)>").is_some());
}

const FILE_SEEDS: &[&[u8]] = &[
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89",
    b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n1 0 obj\n<<>>\nendobj\n",
    b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0",
    b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0",
    b"OggS\0\x02\0\0\0\0\0\0\0\0\x01\0\0\0\0\0\0\0\0\0\0\0\x01\x13OpusHead\x01\x01",
    b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x84webm",
    b"PK\x03\x04\x14\0\0\0\x08\0",
    b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom",
    b"hola, esto es texto\n",
];
const FILE_TOKENS: &[&[u8]] = &[
    b"\x7fELF",
    b"MZ",
    b"#!",
    b"PK\x03\x04",
    b"OggS",
    b"\x1aE\xdf\xa3",
    b"ftyp",
    b"\0",
];
const FILE_NAMES: &[&str] = &[
    "foto.png",
    "factura.pdf",
    "setup.exe",
    "nota",
    "../../x.png",
    "a\u{202e}gnp.exe",
    "",
];

#[test]
fn file_type_detection_never_panics() {
    use app::storage::detect::detect;
    use app::storage::remux::{ogg_opus_duration, webm_to_ogg};
    campaign(
        "file detection and remux",
        inputs(FILE_SEEDS, FILE_TOKENS),
        |head| {
            let name = FILE_NAMES[head.len() % FILE_NAMES.len()];
            if let Ok(detected) = detect(name, head) {
                // Executables are refused whatever they are called.
                let elf = head.len() > 64 && head.starts_with(b"\x7fELF");
                assert!(!elf && !head.starts_with(b"MZ"), "{detected:?}");
            }
            let _ = webm_to_ogg(head);
            let _ = ogg_opus_duration(head);
        },
    );
}
