//! The house stays one-way (rule 1 of `shared/docs/architecture.md`): this test reads
//! every `crate::…`, `super::…` and child-module path in `app/src`, resolves each to the
//! file that defines the name (following `pub use` re-exports, so a facade such as
//! `conversations.rs` does not hide where a type lives), and fails
//! - on any circle between files, and
//! - on an import that points up a floor, or across features other than the few the
//!   rules allow.
//!
//! It reads source text, so it needs no feature of the crate and runs in every build.
//! Test modules (`tests.rs`, inline `#[cfg(test)] mod tests { … }`) are left out: a test
//! may look anywhere.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

/// Floors, highest first. A file may import its own floor's files of the same top
/// module, and any lower floor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Floor {
    Vocabulary = 1,
    Platform = 2,
    Delivery = 3,
    Feature = 4,
    Composition = 5,
}

fn floor_of_top(top: &str) -> Floor {
    match top {
        "" | "root" | "shell" | "pages" | "chatwoot" => Floor::Composition,
        "conversations" | "contacts" | "agents" | "team" | "inboxes" | "canned"
        | "notifications" | "widget" | "auth" | "emoji" | "labels" | "teams" | "search"
        | "reports" | "automation" | "attributes" => Floor::Feature,
        "channels" | "outbox" => Floor::Delivery,
        "db" | "live" | "storage" | "state" | "secrets" | "csp" => Floor::Platform,
        "domain" | "error" | "wire" | "events" | "tag_first" | "ui" | "i18n" => Floor::Vocabulary,
        other => {
            panic!("app/src/{other}: a top module the house does not place; add it to floor_of_top")
        }
    }
}

/// Imports across top modules that the rules allow although they do not point down,
/// each with its reason. Everything else across features is refused.
const ACROSS: &[(&str, &str)] = &[
    // architecture.md, rule 1.
    ("contacts", "conversations"),
    ("channels", "contacts"),
    ("channels", "conversations"),
    ("outbox", "channels"),
    ("outbox", "conversations"),
    // The web chat's public side: a visitor's message takes the one path every
    // channel's inbound takes (routing, the messages service), and her identity is a
    // contact's.
    ("widget", "conversations"),
    ("widget", "contacts"),
    // A contact's labels are the account's (shown as chips, checked when put on).
    ("contacts", "labels"),
    // A contact's and a conversation's custom attribute values are checked against
    // the account's definitions, and edited with the attributes' own form.
    ("contacts", "attributes"),
    ("conversations", "attributes"),
    // The identity secret host sites sign with is the inbox's (kept with its settings).
    ("widget", "inboxes"),
    // The website's script sets the visitor's custom attribute values (Chatwoot's
    // `setCustomAttributes`), checked against the account's definitions.
    ("widget", "attributes"),
    // A mention in a note notifies the teammate in the note's own transaction.
    ("conversations", "notifications"),
    // The composer offers the canned responses and the emoji picker.
    ("conversations", "canned"),
    ("conversations", "emoji"),
    // A conversation's labels are the account's: the chat and the list show them as
    // chips, the list filters by them, and putting one on checks that it exists.
    ("conversations", "labels"),
    // The list's assignee filter and bulk assignment offer the account's agents.
    ("conversations", "agents"),
    // A conversation may be in a team's queue: the list filters by it, the chat and
    // the bulk bar put it there, and putting it there checks the team exists.
    ("conversations", "teams"),
    // A team's members are the account's agents (Ajustes offers them).
    ("teams", "agents"),
    // Search finds conversations (by number, with the list's row) and contacts (with
    // the contact book's own search) besides messages.
    ("search", "conversations"),
    ("search", "contacts"),
    // The search page's "written by" offers the account's agents by name.
    ("search", "agents"),
    // Routing reads the inbox's settings ("reopen resolved"); the team's inbox
    // membership writes them.
    ("conversations", "inboxes"),
    ("agents", "inboxes"),
    // Reports count times in each inbox's business hours, as the inbox keeps them.
    ("reports", "inboxes"),
    // Rules act on conversations through their services (the bulk actions' writes,
    // the one outgoing path) and read the inbox's business hours for a condition.
    ("automation", "conversations"),
    // The conversation's menu runs the agent's macros (kept with the rules, whose
    // actions they share).
    ("conversations", "automation"),
    ("automation", "inboxes"),
    // A rule's "email teammates" goes out through the server's SMTP setting, which
    // the notifications' email worker keeps.
    ("automation", "notifications"),
    // An invitation email to a new agent goes through the same SMTP setting.
    ("agents", "notifications"),
    // The server's state holds each floor's long-lived services (the Graph client's
    // pool, the widget's rate limits) and names their types; it calls none of them.
    ("state", "channels"),
    ("state", "widget"),
];

/// Every feature passes through the door: sessions, the admin check and the one
/// visibility rule live in `auth`, which imports no other feature but `agents`' model.
const DOOR: &str = "auth";

/// One source file of the crate.
struct File {
    /// Module path from the crate root (`conversations::ssr::access`); empty for lib.rs.
    module: Vec<String>,
    /// Path relative to `app/src`, for messages.
    shown: String,
    /// Comment-, string- and test-free text.
    text: String,
}

impl File {
    fn top(&self) -> &str {
        self.module.first().map(String::as_str).unwrap_or("")
    }

    /// Every `model.rs` (and what lives under a `model/` folder) is vocabulary.
    fn floor(&self) -> Floor {
        if self.module.iter().any(|s| s == "model") {
            Floor::Vocabulary
        } else {
            floor_of_top(self.top())
        }
    }
}

fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("read app/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            walk(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs");
    if stem != "lib" && stem != "mod" {
        parts.push(stem.to_owned());
    }
    parts
}

/// Drops comments, the contents of string and char literals, and inline test modules.
fn clean(source: &str) -> String {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if source[i..].starts_with("//") {
            while i < bytes.len() && bytes[i] != b'\n' {
                i += 1;
            }
        } else if source[i..].starts_with("/*") {
            let mut depth = 0;
            while i < bytes.len() {
                if source[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if source[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if c == b'r' && raw_string_at(source, i).is_some() {
            let (hashes, start) = raw_string_at(source, i).expect("checked");
            let close = format!("\"{}", "#".repeat(hashes));
            let end = source[start..]
                .find(&close)
                .map(|e| start + e + close.len())
                .unwrap_or(bytes.len());
            out.push_str("\"\"");
            i = end;
        } else if c == b'"' {
            i += 1;
            while i < bytes.len() && bytes[i] != b'"' {
                if bytes[i] == b'\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == b'\'' && char_literal_len(&bytes[i..]).is_some() {
            i += char_literal_len(&bytes[i..]).expect("checked");
            out.push_str("' '");
        } else {
            let ch = source[i..].chars().next().expect("in bounds");
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    strip_test_modules(&out)
}

/// `r"…"`, `r#"…"#`: the number of hashes and where the contents start.
fn raw_string_at(source: &str, i: usize) -> Option<(usize, usize)> {
    if i > 0 && is_ident_byte(source.as_bytes()[i - 1]) {
        return None;
    }
    let rest = &source.as_bytes()[i + 1..];
    let hashes = rest.iter().take_while(|b| **b == b'#').count();
    (rest.get(hashes) == Some(&b'"')).then_some((hashes, i + 1 + hashes + 1))
}

/// `'a'`, `'\n'`, `'\''`, `'\u{1F600}'`: their length; None for a lifetime.
fn char_literal_len(bytes: &[u8]) -> Option<usize> {
    if bytes.get(1) == Some(&b'\\') {
        let close = bytes[2..].iter().skip(1).position(|b| *b == b'\'')?;
        return Some(close + 4);
    }
    let text = std::str::from_utf8(bytes).ok().or_else(|| {
        (1..bytes.len())
            .rev()
            .find_map(|n| std::str::from_utf8(&bytes[..n]).ok())
    })?;
    let mut chars = text.chars();
    chars.next();
    let ch = chars.next()?;
    (chars.next() == Some('\'')).then_some(2 + ch.len_utf8())
}

fn strip_test_modules(text: &str) -> String {
    let mut out = text.to_owned();
    while let Some(at) = out.find("#[cfg(test)]") {
        let after = at + "#[cfg(test)]".len();
        let rest = out[after..].trim_start();
        let skip = out.len() - rest.len();
        if rest.starts_with("mod ") {
            match (rest.find('{'), rest.find(';')) {
                (Some(open), semi) if semi.is_none_or(|s| open < s) => {
                    let mut depth = 0;
                    let mut end = rest.len();
                    for (k, ch) in rest[open..].char_indices() {
                        match ch {
                            '{' => depth += 1,
                            '}' => {
                                depth -= 1;
                                if depth == 0 {
                                    end = open + k + 1;
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                    out.replace_range(at..skip + end, "");
                }
                _ => out.replace_range(at..after, ""),
            }
        } else {
            out.replace_range(at..after, "");
        }
    }
    out
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The `use` trees of a file, expanded to paths (segments as written).
fn use_paths(text: &str) -> Vec<(bool, Vec<String>)> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(k) = text[from..].find("use ") {
        let at = from + k;
        from = at + 4;
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let before = text[..at].trim_end();
        let public = before.ends_with("pub") || before.ends_with(')') && before.contains("pub(");
        let statement_start = before.is_empty()
            || before.ends_with(';')
            || before.ends_with('{')
            || before.ends_with('}')
            || before.ends_with(']')
            || before.ends_with("pub")
            || before.ends_with(')');
        if !statement_start {
            continue;
        }
        let Some(end) = text[at..].find(';') else {
            break;
        };
        let tree = tidy(&text[at + 4..at + end]);
        let mut paths = Vec::new();
        expand(&tree, &mut Vec::new(), &mut paths);
        found.extend(paths.into_iter().map(|p| (public, p)));
    }
    found
}

fn expand(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim_start_matches("::");
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let depth_before = prefix.len();
        prefix.extend(head);
        let mut depth = 0;
        let mut start = 0;
        for (k, ch) in inner.char_indices() {
            match ch {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..k], prefix, out);
                    start = k + 1;
                }
                _ => {}
            }
        }
        if start < inner.len() {
            expand(&inner[start..], prefix, out);
        }
        prefix.truncate(depth_before);
    } else if !tree.is_empty() {
        let name = tree.split(" as ").next().unwrap_or(tree);
        let mut path = prefix.clone();
        path.extend(
            name.split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_owned),
        );
        if path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        out.push(path);
    }
}

/// A use tree with single spaces, and none around `::`, braces and commas.
fn tidy(raw: &str) -> String {
    let spaced = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    let chars: Vec<char> = spaced.chars().collect();
    for (k, ch) in chars.iter().enumerate() {
        let near = |c: Option<&char>| c.is_some_and(|c| matches!(c, ':' | '{' | '}' | ','));
        if *ch == ' ' && (near(chars.get(k + 1)) || (k > 0 && near(chars.get(k - 1)))) {
            continue;
        }
        out.push(*ch);
    }
    out
}

/// The text without its `use` statements (they are read by [`use_paths`]).
fn without_uses(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(k) = text[from..].find("use ") {
        let at = from + k;
        from = at + 4;
        if at > 0 && is_ident_byte(bytes[at - 1]) {
            continue;
        }
        let Some(end) = text[at..].find(';') else {
            break;
        };
        out.push_str(&text[copied..at]);
        copied = at + end + 1;
        from = copied;
    }
    out.push_str(&text[copied..]);
    out
}

/// Paths written in expressions and types: `crate::a::b`, `super::x`, `child::y`.
fn inline_paths(text: &str, children: &BTreeSet<String>) -> Vec<Vec<String>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if is_ident_byte(bytes[i])
            && (i == 0 || !is_ident_byte(bytes[i - 1]) && bytes[i - 1] != b':')
        {
            let mut j = i;
            let mut segments = Vec::new();
            loop {
                let start = j;
                while j < bytes.len() && is_ident_byte(bytes[j]) {
                    j += 1;
                }
                segments.push(text[start..j].to_owned());
                if text[j..].starts_with("::") && j + 2 < bytes.len() && is_ident_byte(bytes[j + 2])
                {
                    j += 2;
                } else {
                    break;
                }
            }
            let first = segments[0].as_str();
            if segments.len() > 1
                && (first == "crate" || first == "super" || children.contains(first))
            {
                found.push(segments);
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    found
}

/// Names a file defines at its top level or in inline modules.
fn defined_names(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '!'))
        .filter(|w| !w.is_empty())
        .collect();
    for pair in words.windows(2) {
        if matches!(
            pair[0],
            "fn" | "struct"
                | "enum"
                | "trait"
                | "type"
                | "const"
                | "static"
                | "mod"
                | "macro_rules!"
        ) {
            names.insert(pair[1].trim_end_matches('!').to_owned());
        }
    }
    names
}

fn child_modules(text: &str) -> BTreeSet<String> {
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .windows(2)
        .filter(|p| p[0] == "mod")
        .map(|p| p[1].to_owned())
        .collect()
}

struct House {
    files: Vec<File>,
    by_module: HashMap<Vec<String>, usize>,
    defined: Vec<BTreeSet<String>>,
    /// For each file, its `pub use` paths, absolute.
    reexports: Vec<Vec<Vec<String>>>,
    /// For each file, its `use` paths (all), absolute, and inline paths.
    references: Vec<Vec<Vec<String>>>,
}

impl House {
    fn read() -> House {
        let root = source_root();
        let mut paths = Vec::new();
        walk(&root, &mut paths);
        paths.sort();
        let mut files = Vec::new();
        for path in paths {
            let relative = path.strip_prefix(&root).expect("under src").to_path_buf();
            let module = module_of(&relative);
            if module.iter().any(|s| s == "tests") {
                continue;
            }
            let source = fs::read_to_string(&path).expect("read a source file");
            files.push(File {
                module,
                shown: relative.to_string_lossy().into_owned(),
                text: clean(&source),
            });
        }
        let by_module = files
            .iter()
            .enumerate()
            .map(|(k, f)| (f.module.clone(), k))
            .collect();
        let defined = files.iter().map(|f| defined_names(&f.text)).collect();
        let mut reexports = Vec::new();
        let mut references = Vec::new();
        for file in &files {
            let children = child_modules(&file.text);
            let mut exported = Vec::new();
            let mut referenced = Vec::new();
            for (public, path) in use_paths(&file.text) {
                if let Some(absolute) = absolute(&file.module, &children, &path) {
                    // A re-export is an alias, followed when a name is resolved: the file
                    // that re-exports does not depend on what it names.
                    if public {
                        exported.push(absolute);
                    } else {
                        referenced.push(absolute);
                    }
                }
            }
            for path in inline_paths(&without_uses(&file.text), &children) {
                if let Some(absolute) = absolute(&file.module, &children, &path) {
                    referenced.push(absolute);
                }
            }
            reexports.push(exported);
            references.push(referenced);
        }
        House {
            files,
            by_module,
            defined,
            reexports,
            references,
        }
    }

    /// The file that defines what `path` names, following re-exports.
    fn resolve(&self, path: &[String], depth: usize) -> Option<usize> {
        let (file, rest) = (0..=path.len())
            .rev()
            .find_map(|n| self.by_module.get(&path[..n]).map(|f| (*f, &path[n..])))?;
        let Some(name) = rest.first() else {
            return Some(file);
        };
        if depth > 16 || self.defined[file].contains(name) {
            return Some(file);
        }
        for export in &self.reexports[file] {
            let last = export.last().map(String::as_str);
            if last == Some(name.as_str()) {
                let mut target = export.clone();
                target.extend(rest[1..].iter().cloned());
                return self.resolve(&target, depth + 1).or(Some(file));
            }
        }
        for export in &self.reexports[file] {
            if export.last().is_some_and(|s| s == "*") {
                let mut target = export[..export.len() - 1].to_vec();
                target.extend(rest.iter().cloned());
                if let Some(found) = self.resolve(&target, depth + 1) {
                    if self.defined[found].contains(name) || found != file {
                        let base = self.by_module.get(&export[..export.len() - 1]);
                        if Some(&found) != base || self.defined[found].contains(name) {
                            return Some(found);
                        }
                    }
                }
            }
        }
        Some(file)
    }

    fn edges(&self) -> BTreeMap<usize, BTreeSet<usize>> {
        let mut edges: BTreeMap<usize, BTreeSet<usize>> = BTreeMap::new();
        for (from, references) in self.references.iter().enumerate() {
            for path in references {
                let path: Vec<String> = path.iter().filter(|s| *s != "*").cloned().collect();
                if path.first().is_some_and(|s| s == "i18n") {
                    continue;
                }
                if let Some(to) = self.resolve(&path, 0) {
                    if std::env::var_os("HOUSE_EDGES").is_some() && to != from {
                        eprintln!(
                            "{} -> {} ({})",
                            self.files[from].shown,
                            self.files[to].shown,
                            path.join("::")
                        );
                    }
                    // A parent naming its own child module (`mod x; x::f()`) or the root is
                    // wiring, not a floor: the child's own imports are what count.
                    if to != from && !self.files[to].module.is_empty() {
                        edges.entry(from).or_default().insert(to);
                    }
                }
            }
        }
        edges
    }
}

/// Turns a path as written in `module` into one from the crate root; None for other
/// crates' paths.
fn absolute(
    module: &[String],
    children: &BTreeSet<String>,
    path: &[String],
) -> Option<Vec<String>> {
    let first = path.first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "self" => module.to_vec(),
        "super" => {
            let mut up = module.to_vec();
            let mut rest = path;
            while rest.first().is_some_and(|s| s == "super") {
                up.pop();
                rest = &rest[1..];
            }
            up.extend(rest.iter().cloned());
            return Some(up);
        }
        name if children.contains(name) => {
            let mut here = module.to_vec();
            here.push(name.to_owned());
            here.extend(path[1..].iter().cloned());
            return Some(here);
        }
        _ => return None,
    };
    base.extend(path[1..].iter().cloned());
    Some(base)
}

/// Tarjan's strongly connected components with more than one file.
fn circles(count: usize, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<Vec<usize>> {
    struct State<'a> {
        edges: &'a BTreeMap<usize, BTreeSet<usize>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s.edges.get(&v).into_iter().flatten().copied().collect();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                _ => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: vec![None; count],
        low: vec![0; count],
        on_stack: vec![false; count],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..count {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.found
}

fn wrong_way(house: &House, edges: &BTreeMap<usize, BTreeSet<usize>>) -> Vec<String> {
    let mut wrong = Vec::new();
    for (from, targets) in edges {
        let a = &house.files[*from];
        for to in targets {
            let b = &house.files[*to];
            if a.top() == b.top() && a.floor() >= b.floor() {
                continue;
            }
            let allowed = a.floor() > b.floor()
                || ACROSS.contains(&(a.top(), b.top()))
                || (b.top() == DOOR && a.floor() == Floor::Feature)
                || (a.top() != b.top()
                    && a.floor() == b.floor()
                    && matches!(
                        a.floor(),
                        Floor::Platform | Floor::Vocabulary | Floor::Composition
                    ));
            if !allowed {
                wrong.push(format!(
                    "{} ({:?}) imports {} ({:?})",
                    a.shown,
                    a.floor(),
                    b.shown,
                    b.floor()
                ));
            }
        }
    }
    wrong
}

#[test]
fn imports_point_down_and_close_no_circle() {
    let house = House::read();
    let edges = house.edges();
    let mut problems = Vec::new();
    for circle in circles(house.files.len(), &edges) {
        let names: Vec<&str> = circle
            .iter()
            .map(|f| house.files[*f].shown.as_str())
            .collect();
        problems.push(format!(
            "a circle of {} files: {}",
            names.len(),
            names.join(", ")
        ));
    }
    problems.extend(wrong_way(&house, &edges));
    assert!(
        problems.is_empty(),
        "the house is not one-way ({} problems):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

#[test]
fn the_reader_sees_real_imports() {
    // The checker is only as good as its reading: a known import must be seen, and
    // resolved through the facade to the file that defines the name.
    let house = House::read();
    let edges = house.edges();
    let find = |shown: &str| {
        house
            .files
            .iter()
            .position(|f| f.shown == shown)
            .unwrap_or_else(|| panic!("{shown} is not in app/src"))
    };
    let total: usize = edges.values().map(BTreeSet::len).sum();
    assert!(
        total > 200,
        "only {total} imports read: the reader is broken"
    );
    let conversations_api = find("conversations/api.rs");
    let error = find("error.rs");
    assert!(
        edges
            .get(&conversations_api)
            .is_some_and(|t| t.contains(&error)),
        "conversations/api.rs uses crate::error::AppError but no edge was read"
    );
}
