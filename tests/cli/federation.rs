//! `conservatoire peer` and `conservatoire sync` against a real `serve`:
//! a city pins another's key, mirrors its catalogue, and an unchanged poll
//! writes nothing.

use std::path::Path;
use std::process::Command;

use crate::serve::{http_get, serve, serve_with};
use crate::util::{ok, ok_in, run, run_in, stderr, stdout, write};

/// A French locale, as a French user's machine sets it.
const FR: &str = "fr_FR.UTF-8";

#[test]
fn a_city_pins_another_and_mirrors_its_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    write(
        d,
        "lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece\"\nlicense = \"BSD-3-Clause\"\n",
    );
    let p = ok(d, &["propose", "--registry", "paris.git", "lutece.toml"]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            p.lines().last().unwrap(),
            "--registry",
            "paris.git",
        ],
    );

    let (_paris, addr) = serve(d, "paris.git");
    let url = format!("http://{addr}/");
    // The key was made on the first serve, outside Git, for the owner only.
    let key = d.join("paris.git/federation/key");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    assert!(
        http_get(&addr, "/.well-known/conservatoire")
            .contains("application/vnd.conservatoire.discovery+json")
    );

    // Without a fingerprint: it shows the key and adds nothing.
    let shown = run(d, &["peer", "add", "--registry", "lyon.git", &url]);
    assert_eq!(shown.status.code(), Some(1));
    let fingerprint = stdout(&shown).lines().next().unwrap().to_owned();
    assert!(fingerprint.starts_with("ed25519:"), "{fingerprint}");
    assert_eq!(ok(d, &["peer", "list", "--registry", "lyon.git"]), "");
    // The wrong fingerprint is refused.
    let wrong = run(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &url,
            "--fingerprint",
            "ed25519:00000000000000000000000000000000",
        ],
    );
    assert_eq!(wrong.status.code(), Some(1), "{}", stderr(&wrong));
    assert!(stderr(&wrong).contains(&fingerprint), "{}", stderr(&wrong));
    // The right one pins the peer.
    let added = ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "lyon.git",
            &url,
            "--fingerprint",
            &fingerprint,
        ],
    );
    assert!(added.contains("added paris (Ville de Paris)"), "{added}");
    assert!(ok(d, &["peer", "list", "--registry", "lyon.git"]).contains(&fingerprint));

    let first = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(
        first.contains("paris: version 2, 1 records added or changed"),
        "{first}"
    );
    let again = ok(d, &["sync", "--registry", "lyon.git", "paris"]);
    assert_eq!(again.trim(), "paris: unchanged");
    // Lyon's own catalogue is untouched; the mirror holds Paris's record.
    assert_eq!(
        ok(d, &["export", "--registry", "lyon.git", "--format", "json"]).trim(),
        "[]"
    );
    let git = Command::new("git")
        .args([
            "--git-dir",
            "lyon.git",
            "show",
            "refs/mirrors/paris:records/software/lutece.toml",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&git.stdout).contains("title = \"Lutece\""));
    // The key is never in the tracked tree.
    let tree = Command::new("git")
        .args([
            "--git-dir",
            "paris.git",
            "ls-tree",
            "-r",
            "--name-only",
            "main",
        ])
        .current_dir(d)
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&tree.stdout).contains("federation"));

    // A second peer that has gone away: the sync still brings Paris, says
    // what failed for Marseille, writes nothing of it and exits 1.
    ok(
        d,
        &[
            "init",
            "marseille.git",
            "--name",
            "Ville de Marseille",
            "--id",
            "marseille",
        ],
    );
    let (marseille, marseille_addr) = serve(d, "marseille.git");
    let added = pin(d, "lyon.git", &format!("http://{marseille_addr}/"));
    assert!(added.contains("added marseille"), "{added}");
    drop(marseille);
    let both = run(d, &["sync", "--registry", "lyon.git"]);
    assert_eq!(both.status.code(), Some(1), "{}", stderr(&both));
    let lines: Vec<String> = stdout(&both).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().any(|l| l == "paris: unchanged"), "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("marseille: refused, nothing written")),
        "{lines:?}"
    );
    let mirrors = Command::new("git")
        .args(["--git-dir", "lyon.git", "for-each-ref", "refs/mirrors"])
        .current_dir(d)
        .output()
        .unwrap();
    let mirrors = String::from_utf8_lossy(&mirrors.stdout);
    assert!(mirrors.contains("refs/mirrors/paris"), "{mirrors}");
    assert!(!mirrors.contains("marseille"), "{mirrors}");
    ok(
        d,
        &["peer", "remove", "--registry", "lyon.git", "marseille"],
    );

    // Lyon attests, in its signed feed, that it uses Paris's Lutece; once
    // Paris mirrors Lyon, Lutece's page lists Lyon as an attested user.
    let bad = run(d, &["peer", "use", "--registry", "lyon.git", "lutece"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("is not a shared application"),
        "{}",
        stderr(&bad)
    );
    assert_eq!(
        ok(
            d,
            &[
                "peer",
                "use",
                "--registry",
                "lyon.git",
                "paris:software/lutece"
            ]
        )
        .trim(),
        "uses paris:software/lutece"
    );
    let page = || http_get(&addr, "/records/software/lutece");
    assert!(!page().contains("Ville de Lyon"));
    let (_lyon, lyon_addr) = serve(d, "lyon.git");
    pin(d, "paris.git", &format!("http://{lyon_addr}/"));
    ok(d, &["sync", "--registry", "paris.git"]);
    let shown = page();
    assert!(
        shown.contains("Villes qui l’utilisent (attesté)"),
        "{shown}"
    );
    assert!(
        shown.contains(&format!(
            "<a href=\"http://{lyon_addr}/\">Ville de Lyon</a>"
        )),
        "{shown}"
    );
    // Withdrawn from Lyon's feed, it goes from the page at the next sync.
    ok(
        d,
        &[
            "peer",
            "use",
            "--registry",
            "lyon.git",
            "paris:software/lutece",
            "--remove",
        ],
    );
    ok(d, &["sync", "--registry", "paris.git"]);
    assert!(!page().contains("Ville de Lyon"));

    ok(d, &["peer", "remove", "--registry", "lyon.git", "paris"]);
    assert_eq!(ok(d, &["peer", "list", "--registry", "lyon.git"]), "");
}

/// `peer add --trust-on-first-use`: `registry` pins the registry at `url`.
fn pin(d: &Path, registry: &str, url: &str) -> String {
    ok(
        d,
        &[
            "peer",
            "add",
            "--registry",
            registry,
            url,
            "--trust-on-first-use",
        ],
    )
}

/// Proposes `id` as a software record in `registry` and merges it.
fn add_software(d: &Path, registry: &str, id: &str) {
    let file = format!("{id}.toml");
    write(
        d,
        &file,
        format!("id = \"{id}\"\nkind = \"software\"\ntitle = \"{id}\"\nlicense = \"MIT\"\n"),
    );
    let p = ok(d, &["propose", "--registry", registry, &file]);
    ok(
        d,
        &[
            "proposals",
            "merge",
            p.lines().last().unwrap(),
            "--registry",
            registry,
        ],
    );
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_TERMINAL_PROMPT", "0")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}:\n{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_stock_git_client_clones_and_fetches_the_catalogue() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    add_software(d, "paris.git", "lutece");
    add_software(d, "paris.git", "publik");
    // Packed objects and loose ones, both served.
    ok(d, &["gc", "--registry", "paris.git"]);
    add_software(d, "paris.git", "decidim");
    let (_paris, addr) = serve(d, "paris.git");

    let url = format!("http://{addr}/catalogue.git");
    git(d, &["clone", "--quiet", &url, "clone"]);
    let clone = d.join("clone");
    git(&clone, &["fsck", "--strict", "--no-dangling"]);
    for id in ["lutece", "publik", "decidim"] {
        assert!(
            clone.join(format!("records/software/{id}.toml")).is_file(),
            "{id}"
        );
    }
    // The clone has the registry's whole history of main.
    assert_eq!(
        git(&clone, &["rev-parse", "HEAD"]).trim(),
        git(d, &["--git-dir", "paris.git", "rev-parse", "main"]).trim()
    );

    // A write while serving is visible to the next fetch, with no hook.
    add_software(d, "paris.git", "openfisca");
    git(&clone, &["pull", "--quiet", "--ff-only"]);
    assert!(clone.join("records/software/openfisca.toml").is_file());
    git(&clone, &["fsck", "--strict", "--no-dangling"]);

    // Only main is advertised, and nothing outside objects/ is served.
    let refs = http_get(&addr, "/catalogue.git/info/refs?service=git-upload-pack");
    assert!(refs.contains("\trefs/heads/main\n"), "{refs}");
    assert!(!refs.contains("refs/proposals"), "{refs}");
    for path in [
        "/catalogue.git/config",
        "/catalogue.git/objects/../config",
        "/catalogue.git/objects/pack/..%2F..%2Fconfig",
        "/catalogue.git/federation/key",
        "/catalogue.git/objects/zz/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
    ] {
        let answer = http_get(&addr, path);
        assert!(
            answer.starts_with("HTTP/1.1 404") || answer.starts_with("HTTP/1.1 400"),
            "{path}: {answer}"
        );
    }
}

/// The body of `GET path`, once the answer is complete.
fn body(addr: &str, path: &str) -> String {
    let answer = http_get(addr, path);
    answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default()
}

#[test]
fn a_scheduled_sync_makes_a_peers_records_searchable_with_their_provenance() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    // The same id in both cities: the addresses never collide.
    add_software(d, "paris.git", "lutece");
    add_software(d, "lyon.git", "lutece");
    let (_paris, paris) = serve(d, "paris.git");
    pin(d, "lyon.git", &format!("http://{paris}/"));
    let (_lyon, lyon) = crate::serve::serve_with(d, "lyon.git", &["--sync-every", "1h"]);

    // The first sync runs at start; wait for the index to show it.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let hits = loop {
        let answer = body(&lyon, "/api/v1/search?q=lutece");
        let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        if json["total"] == 2 {
            break json["hits"].as_array().unwrap().clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the mirrored record never became searchable: {answer}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let mirrored = hits.iter().find(|h| h["origin"] == "paris").unwrap();
    let own = hits.iter().find(|h| h["origin"] == "lyon").unwrap();
    assert_eq!(own["url"], "/records/software/lutece");
    assert_eq!(mirrored["url"], "/mirrors/paris/records/software/lutece");
    assert_eq!(
        mirrored["api_url"],
        format!("http://{paris}/api/v1/records/software/lutece")
    );

    // Its page says where it comes from and links to the original.
    let page = body(&lyon, "/mirrors/paris/records/software/lutece");
    assert!(page.contains("Ville de Paris"), "{page}");
    assert!(
        page.contains(&format!("href=\"http://{paris}/records/software/lutece\"")),
        "{page}"
    );
    assert!(page.contains("Catalogue vérifié le"), "{page}");
    // Unknown peers and records are 404.
    assert!(
        http_get(&lyon, "/mirrors/marseille/records/software/lutece").starts_with("HTTP/1.1 404")
    );
    assert!(http_get(&lyon, "/mirrors/paris/records/software/absent").starts_with("HTTP/1.1 404"));
    assert!(
        http_get(&lyon, "/mirrors/Paris%2F..%2F/records/software/lutece")
            .starts_with("HTTP/1.1 404")
    );

    // The origin facet names the city; the home page lists the peer.
    let search = body(&lyon, "/search?q=lutece");
    assert!(search.contains("Ville de Paris"), "{search}");
    assert!(
        search.contains("/mirrors/paris/records/software/lutece"),
        "{search}"
    );
    let home = body(&lyon, "/");
    assert!(home.contains("Catalogues des villes partenaires"), "{home}");
    assert!(home.contains("vérifié le"), "{home}");
    assert!(!home.contains("périmé"), "{home}");

    // The sync is counted.
    let metrics = body(&lyon, "/metrics");
    assert!(
        metrics.contains("cdl_syncs_total{peer=\"paris\",outcome=\"applied\"} 1"),
        "{metrics}"
    );
}

/// An HTTP answer: status, headers (lower-case names) and body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request and reads the whole answer (de-chunked).
fn request(addr: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before reading all of a large body.
    let _ = stream.write_all(body);
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a complete head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let mut rest = raw[split + 4..].to_vec();
    if headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
    {
        let mut out = Vec::new();
        loop {
            let end = rest.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..end]).unwrap().trim(), 16)
                .unwrap();
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[end + 2..end + 2 + size]);
            rest = rest[end + 2 + size + 2..].to_vec();
        }
        rest = out;
    }
    Answer {
        status,
        headers,
        body: String::from_utf8_lossy(&rest).into_owned(),
    }
}

/// Logs `name` in as a curator of the server at `addr`: the session and
/// CSRF cookies, as one `Cookie` header.
fn login(addr: &str, name: &str, password: &str) -> String {
    let cookies = |a: &Answer| -> Vec<String> {
        a.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .collect()
    };
    let form = request(addr, "GET", "/login", &[], b"");
    let csrf = form
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a CSRF field")
        .to_owned();
    let mut jar = cookies(&form);
    let body = format!("csrf={csrf}&name={name}&password={password}");
    let cookie = jar.join("; ");
    let done = request(
        addr,
        "POST",
        "/login",
        &[
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("Cookie", &cookie),
            ("Origin", &format!("http://{addr}")),
        ],
        body.as_bytes(),
    );
    assert_eq!(done.status, 303, "{}", done.body);
    jar.extend(cookies(&done));
    jar.join("; ")
}

/// The proposals of `registry` as `proposals list` prints them, one line
/// each.
fn proposals(d: &Path, registry: &str) -> Vec<String> {
    ok(d, &["proposals", "list", "--registry", registry])
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_owned)
        .collect()
}

/// Two cities served, each pinning the other; Paris publishes Lutece and a
/// curator, Lyon mirrors Paris. Returns the servers, Paris's address and
/// Paris's curator password.
fn two_cities(
    d: &Path,
) -> (
    crate::serve::Child,
    crate::serve::Child,
    String,
    String,
    String,
) {
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    add_software(d, "paris.git", "lutece");
    let password = ok(
        d,
        &["curators", "add", "--registry", "paris.git", "camille"],
    )
    .trim()
    .to_owned();
    let (paris, paris_addr) = serve(d, "paris.git");
    let (lyon, lyon_addr) = serve(d, "lyon.git");
    pin(d, "lyon.git", &format!("http://{paris_addr}/"));
    pin(d, "paris.git", &format!("http://{lyon_addr}/"));
    ok(d, &["sync", "--registry", "lyon.git"]);
    (paris, lyon, paris_addr, lyon_addr, password)
}

#[test]
fn a_city_offers_records_to_another_and_learns_each_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (_paris, _lyon, paris, _, password) = two_cities(d);
    // The messages checked below are the French ones.
    let run = |d: &Path, args: &[&str]| run_in(d, args, FR);
    let ok = |d: &Path, args: &[&str]| ok_in(d, args, FR);

    // An invalid record or a licence that is not free: nothing is sent.
    write(
        d,
        "bad/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\n",
    );
    let bad = run(
        d,
        &[
            "offer",
            "--registry",
            "lyon.git",
            "paris",
            "bad/lutece.toml",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        stderr(&bad).contains("n’est pas une fiche valide") && stderr(&bad).contains("title"),
        "{}",
        stderr(&bad)
    );
    write(
        d,
        "closed/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece\"\nlicense = \"LicenseRef-Proprietary\"\n",
    );
    let closed = run(
        d,
        &[
            "offer",
            "--registry",
            "lyon.git",
            "paris",
            "closed/lutece.toml",
        ],
    );
    assert_eq!(closed.status.code(), Some(1));
    assert!(
        stderr(&closed).contains("n’est pas certifiée libre"),
        "{}",
        stderr(&closed)
    );
    let unknown = run(
        d,
        &[
            "offer",
            "--registry",
            "lyon.git",
            "marseille",
            "bad/lutece.toml",
        ],
    );
    assert!(
        stderr(&unknown).contains("n’est pas une ville partenaire"),
        "{}",
        stderr(&unknown)
    );
    assert_eq!(proposals(d, "paris.git").len(), 1, "only Lutece's own");

    // A change to Lutece, based on the version Lyon mirrors: not stale.
    write(
        d,
        "v2/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece, moteur de portails\"\nlicense = \"MIT\"\n",
    );
    let sent = ok(
        d,
        &[
            "offer",
            "--registry",
            "lyon.git",
            "paris",
            "v2/lutece.toml",
            "--message",
            "Un titre plus parlant.",
        ],
    );
    assert!(sent.contains("envoyée à Ville de Paris (paris)"), "{sent}");
    assert!(!sent.contains("version ancienne"), "{sent}");
    let accepted_id = sent.lines().last().unwrap().to_owned();
    assert!(accepted_id.starts_with("off-"), "{sent}");
    let pid = sent
        .split("proposition ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();

    // The proposal is in Paris's queue, marked with the city.
    let cookie = login(&paris, "camille", &password);
    let queue = request(&paris, "GET", "/review", &[("Cookie", &cookie)], b"");
    assert_eq!(queue.status, 200, "{}", queue.body);
    assert!(
        queue.body.contains(&format!("/review/{pid}"))
            && queue
                .body
                .contains("Proposée par la ville partenaire <strong>Ville de Lyon</strong> (lyon)"),
        "{}",
        queue.body
    );
    assert!(!queue.body.contains("Fondée sur une version ancienne"));
    let page = request(&paris, "GET", &format!("/proposals/{pid}"), &[], b"");
    assert!(
        page.body
            .contains("Proposée par la ville partenaire <strong>Ville de Lyon</strong>")
            && page.body.contains("offre signée et vérifiée")
            && page.body.contains("Un titre plus parlant."),
        "{}",
        page.body
    );
    let listed = ok(d, &["offers", "list", "--registry", "lyon.git"]);
    assert!(
        listed.contains(&accepted_id)
            && listed.contains("software/lutece")
            && listed.contains("en attente"),
        "{listed}"
    );

    // Paris's curator merges it; Lyon offers again from its old mirror:
    // that offer is marked stale.
    ok(d, &["proposals", "merge", &pid, "--registry", "paris.git"]);
    write(
        d,
        "v3/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece\"\nlicense = \"MIT\"\nsummary = \"Moteur de portails de la Ville de Paris.\"\n",
    );
    let stale = ok(
        d,
        &["offer", "--registry", "lyon.git", "paris", "v3/lutece.toml"],
    );
    assert!(stale.contains("fondée sur une version ancienne"), "{stale}");
    let stale_pid = stale
        .split("proposition ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    let queue = request(&paris, "GET", "/review", &[("Cookie", &cookie)], b"");
    assert!(
        queue.body.contains(&format!("/review/{stale_pid}"))
            && queue.body.contains("Fondée sur une version ancienne"),
        "{}",
        queue.body
    );
    let shown = request(
        &paris,
        "GET",
        &format!("/review/{stale_pid}"),
        &[("Cookie", &cookie)],
        b"",
    );
    assert!(
        shown.body.contains("La fiche a changé ici"),
        "{}",
        shown.body
    );

    // The sync brings the outcome of the first one: accepted.
    let synced = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(
        synced.contains(&format!(
            "offre {accepted_id} (software/lutece) acceptée par paris"
        )),
        "{synced}"
    );

    // A new record, rejected with a reason that comes back to Lyon.
    write(
        d,
        "publik.toml",
        "id = \"publik\"\nkind = \"software\"\ntitle = \"Publik\"\nlicense = \"AGPL-3.0-or-later\"\n",
    );
    let sent = ok(
        d,
        &["offer", "--registry", "lyon.git", "paris", "publik.toml"],
    );
    let rejected_id = sent.lines().last().unwrap().to_owned();
    let rejected_pid = sent
        .split("proposition ")
        .nth(1)
        .unwrap()
        .split(' ')
        .next()
        .unwrap()
        .to_owned();
    ok(
        d,
        &[
            "proposals",
            "reject",
            &rejected_pid,
            "--registry",
            "paris.git",
            "--reason",
            "Publik est déjà décrit dans la fiche publik-portail.",
        ],
    );
    let listed = ok(d, &["offers", "list", "--registry", "lyon.git"]);
    let lines: Vec<&str> = listed.lines().collect();
    assert_eq!(lines.len(), 3, "{listed}");
    let line_of = |id: &str| *lines.iter().find(|l| l.starts_with(id)).unwrap();
    assert!(line_of(&accepted_id).contains("\tacceptée le "), "{listed}");
    assert!(
        line_of(&rejected_id).contains("refusée le ")
            && line_of(&rejected_id)
                .contains(": Publik est déjà décrit dans la fiche publik-portail."),
        "{listed}"
    );
    let stale_line = lines.iter().find(|l| l.contains(&stale_pid)).unwrap();
    assert!(
        stale_line.contains("en attente")
            && stale_line.contains("(fondée sur une version ancienne)"),
        "{listed}"
    );
    // Nothing of the offers is in either city's tracked tree.
    for registry in ["lyon.git", "paris.git"] {
        let tree = git(
            d,
            &[
                "--git-dir",
                registry,
                "ls-tree",
                "-r",
                "--name-only",
                "main",
            ],
        );
        assert!(
            !tree.contains("federation") && !tree.contains("off-"),
            "{tree}"
        );
    }
}

#[test]
fn the_inbox_verifies_every_offer_and_makes_one_proposal_per_id() {
    use cdl_federation::{Envelope, Identity, Offer, OfferId, Outcome, Protocol};
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (_paris, _lyon, paris, _, _) = two_cities(d);
    let lyon_key = Identity::load(&d.join("lyon.git/federation/key")).unwrap();
    let paris_key = Identity::load(&d.join("paris.git/federation/key")).unwrap();
    let now = jiff::Timestamp::now();
    let offer = |target: &str, text: &str| Offer {
        protocol: Protocol,
        id: OfferId::generate().unwrap(),
        from: "lyon".parse().unwrap(),
        to: format!("http://{paris}/"),
        target: target.into(),
        base: None,
        text: text.into(),
        message: None,
        created_at: now,
        expires_at: now + jiff::SignedDuration::from_hours(24),
    };
    let post = |body: &[u8]| {
        request(
            &paris,
            "POST",
            "/federation/v1/inbox",
            &[("Content-Type", "application/json")],
            body,
        )
    };
    let problem = |a: &Answer, status: u16, title: &str| {
        assert_eq!(a.status, status, "{}", a.body);
        assert_eq!(
            a.header("content-type"),
            Some("application/problem+json"),
            "{}",
            a.body
        );
        let json: serde_json::Value = serde_json::from_str(&a.body).unwrap();
        assert_eq!(json["status"], status);
        assert_eq!(json["title"], title, "{}", a.body);
    };
    let before = proposals(d, "paris.git").len();

    // Delivered ten times: 202, then 200 with the same body; one proposal.
    let publik = offer(
        "software/publik",
        "id = \"publik\"\nkind = \"software\"\ntitle = \"Publik\"\nlicense = \"AGPL-3.0-or-later\"\n",
    );
    let body = Envelope::seal(&publik, &[&lyon_key]).to_bytes();
    let first = post(&body);
    assert_eq!(first.status, 202, "{}", first.body);
    let receipt: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(receipt["id"], publik.id.as_str());
    assert_eq!(receipt["stale"], false);
    for _ in 0..9 {
        let again = post(&body);
        assert_eq!(again.status, 200, "{}", again.body);
        assert_eq!(again.body, first.body);
    }
    assert_eq!(proposals(d, "paris.git").len(), before + 1);

    // Its outcome, signed by Paris's key.
    let outcome = request(
        &paris,
        "GET",
        &format!("/federation/v1/offers/{}", publik.id),
        &[],
        b"",
    );
    assert_eq!(outcome.status, 200, "{}", outcome.body);
    let envelope = Envelope::from_bytes(outcome.body.as_bytes(), 64 * 1024).unwrap();
    let outcome: Outcome = envelope.open(&[paris_key.public()]).unwrap();
    assert_eq!(outcome.id, publik.id);
    assert_eq!(outcome.status, cdl_federation::OfferStatus::Pending);
    assert!(envelope.open::<Outcome>(&[lyon_key.public()]).is_err());
    let unknown = request(
        &paris,
        "GET",
        &format!("/federation/v1/offers/{}", OfferId::generate().unwrap()),
        &[],
        b"",
    );
    problem(&unknown, 404, "Offre inconnue");
    assert_eq!(
        request(&paris, "GET", "/federation/v1/offers/..%2Fkey", &[], b"").status,
        404
    );

    let decidim = |o: &mut Offer| {
        o.target = "software/decidim".into();
        o.text = "id = \"decidim\"\nkind = \"software\"\ntitle = \"Decidim\"\nlicense = \"AGPL-3.0-or-later\"\n".into();
    };
    // Unsigned: the bare statement, and an envelope with no signature.
    let mut o = offer("software/x", "");
    decidim(&mut o);
    problem(
        &post(&serde_json::to_vec(&o).unwrap()),
        401,
        "Offre non signée",
    );
    let mut bare = Envelope::seal(&o, &[&lyon_key]);
    bare.signatures.clear();
    problem(&post(&bare.to_bytes()), 401, "Offre non signée");
    // Signed by another key than Lyon's pinned one.
    let stranger = Identity::from_secret([7; 32]);
    problem(
        &post(&Envelope::seal(&o, &[&stranger]).to_bytes()),
        401,
        "Signature non reconnue",
    );
    // For another host.
    let mut elsewhere = o.clone();
    elsewhere.to = "https://conservatoire.marseille.fr/".into();
    problem(
        &post(&Envelope::seal(&elsewhere, &[&lyon_key]).to_bytes()),
        403,
        "Offre destinée à un autre catalogue",
    );
    // Expired.
    let mut old = o.clone();
    old.created_at = now - jiff::SignedDuration::from_hours(48);
    old.expires_at = now - jiff::SignedDuration::from_hours(1);
    problem(
        &post(&Envelope::seal(&old, &[&lyon_key]).to_bytes()),
        410,
        "Offre expirée",
    );
    // Oversized: a body past 512 KiB, refused before it is read whole.
    let mut big = o.clone();
    big.message = Some("x".repeat(600 * 1024));
    problem(
        &post(&Envelope::seal(&big, &[&lyon_key]).to_bytes()),
        413,
        "Offre trop volumineuse",
    );
    // None of these made a proposal.
    assert_eq!(proposals(d, "paris.git").len(), before + 1);
    // And the well-formed one still goes through.
    assert_eq!(
        post(&Envelope::seal(&o, &[&lyon_key]).to_bytes()).status,
        202
    );
    assert_eq!(proposals(d, "paris.git").len(), before + 2);
}

/// A city rotates its key twice while a mirror is away: the mirror follows
/// the chain with no manual step. A key that no rotation leads to (a key
/// file replaced by hand, or an attacker's) is refused and pins nothing.
#[test]
fn a_mirror_follows_a_chain_of_key_rotations_and_refuses_an_unrotated_key() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    ok(
        d,
        &[
            "init",
            "lyon.git",
            "--name",
            "Ville de Lyon",
            "--id",
            "lyon",
        ],
    );
    add_software(d, "paris.git", "alpha");
    let first_key = ok(d, &["keys", "show", "--registry", "paris.git"])
        .trim()
        .to_owned();
    let (server, addr) = serve(d, "paris.git");
    pin(d, "lyon.git", &format!("http://{addr}/"));
    assert!(ok(d, &["peer", "list", "--registry", "lyon.git"]).contains(&first_key));
    ok(d, &["sync", "--registry", "lyon.git"]);
    drop(server);

    let rotated = ok(d, &["keys", "rotate", "--registry", "paris.git"]);
    let second_key = rotated.lines().last().unwrap().trim().to_owned();
    assert!(rotated.contains(&first_key), "{rotated}");
    assert_ne!(second_key, first_key);
    let third_key = ok(d, &["keys", "rotate", "--registry", "paris.git"])
        .lines()
        .last()
        .unwrap()
        .trim()
        .to_owned();
    assert_eq!(
        ok(d, &["keys", "show", "--registry", "paris.git"]).trim(),
        third_key
    );
    add_software(d, "paris.git", "beta");

    // Restarted, on another port: the peer's address is updated by hand,
    // as an operator would after moving a server; its key is not.
    let (server, new_addr) = serve(d, "paris.git");
    let peers_file = d.join("lyon.git/federation/peers.toml");
    let text = std::fs::read_to_string(&peers_file).unwrap();
    std::fs::write(&peers_file, text.replace(&addr, &new_addr)).unwrap();
    let served = http_get(&new_addr, "/federation/v1/rotations");
    assert_eq!(
        served
            .matches("application/vnd.conservatoire.rotation+json")
            .count(),
        2,
        "{served}"
    );

    let synced = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(synced.contains("paris: version"), "{synced}");
    let list = ok(d, &["peer", "list", "--registry", "lyon.git"]);
    assert!(list.contains(&third_key), "{list}");
    assert!(!list.contains(&first_key), "{list}");
    let beta = Command::new("git")
        .args([
            "--git-dir",
            "lyon.git",
            "cat-file",
            "-e",
            "refs/mirrors/paris:records/software/beta.toml",
        ])
        .current_dir(d)
        .status()
        .unwrap();
    assert!(
        beta.success(),
        "the record signed with the new key is mirrored"
    );
    drop(server);

    // A new key with no rotation statement: refused, the pin stays.
    std::fs::remove_file(d.join("paris.git/federation/key")).unwrap();
    add_software(d, "paris.git", "gamma");
    let (_server, last_addr) = serve(d, "paris.git");
    let text = std::fs::read_to_string(&peers_file).unwrap();
    std::fs::write(&peers_file, text.replace(&new_addr, &last_addr)).unwrap();
    let refused = run(d, &["sync", "--registry", "lyon.git"]);
    assert!(!refused.status.success(), "{}", stdout(&refused));
    assert!(
        format!("{}{}", stdout(&refused), stderr(&refused))
            .contains("no valid signature by a trusted key"),
        "{}\n{}",
        stdout(&refused),
        stderr(&refused)
    );
    assert!(ok(d, &["peer", "list", "--registry", "lyon.git"]).contains(&third_key));
    let gamma = Command::new("git")
        .args([
            "--git-dir",
            "lyon.git",
            "cat-file",
            "-e",
            "refs/mirrors/paris:records/software/gamma.toml",
        ])
        .current_dir(d)
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(
        !gamma.success(),
        "nothing signed by an unrotated key is mirrored"
    );
}

/// `git show REV:PATH` in the registry `reg`, or `None` when there is none.
fn show(d: &Path, reg: &str, what: &str) -> Option<String> {
    let o = Command::new("git")
        .args(["--git-dir", reg, "show", what])
        .current_dir(d)
        .output()
        .unwrap();
    o.status
        .success()
        .then(|| String::from_utf8_lossy(&o.stdout).into_owned())
}

/// The mirrors of `reg`, by name.
fn mirror_refs(d: &Path, reg: &str) -> Vec<String> {
    git(
        d,
        &[
            "--git-dir",
            reg,
            "for-each-ref",
            "--format=%(refname)",
            "refs/mirrors",
        ],
    )
    .lines()
    .map(|l| l.trim_start_matches("refs/mirrors/").to_owned())
    .collect()
}

/// Waits until the search API of `addr` finds `q` from `origin`, and
/// answers that hit.
fn hit_from(addr: &str, q: &str, origin: &str) -> serde_json::Value {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let answer = body(addr, &format!("/api/v1/search?q={q}"));
        let json: serde_json::Value = serde_json::from_str(&answer).unwrap_or_default();
        if let Some(hit) = json["hits"]
            .as_array()
            .and_then(|hits| hits.iter().find(|h| h["origin"] == origin))
        {
            return hit.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{q} from {origin} never became searchable: {answer}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

#[test]
fn a_mirror_of_a_mirror_keeps_the_origins_signature_and_a_loop_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (reg, name, id) in [
        ("paris.git", "Ville de Paris", "paris"),
        ("lyon.git", "Ville de Lyon", "lyon"),
        ("nantes.git", "Ville de Nantes", "nantes"),
    ] {
        ok(d, &["init", reg, "--name", name, "--id", id]);
    }
    add_software(d, "paris.git", "lutece");
    add_software(d, "paris.git", "dansmarue");
    add_software(d, "lyon.git", "lyon-app");
    add_software(d, "nantes.git", "nantes-app");
    let (_paris, paris) = serve(d, "paris.git");
    let (_lyon, lyon) = serve(d, "lyon.git");
    let (_nantes, nantes) = serve(d, "nantes.git");
    let shown = run(
        d,
        &[
            "peer",
            "add",
            "--registry",
            "nantes.git",
            &format!("http://{paris}/"),
        ],
    );
    let paris_key = stdout(&shown).lines().next().unwrap().to_owned();
    assert!(paris_key.starts_with("ed25519:"), "{paris_key}");
    let pin = |reg: &str, addr: &str| {
        pin(d, reg, &format!("http://{addr}/"));
    };
    // Lyon mirrors Paris; Nantes mirrors Lyon only.
    pin("lyon.git", &paris);
    pin("nantes.git", &lyon);
    let first = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(first.contains("paris: version"), "{first}");
    let relayed = ok(d, &["sync", "--registry", "nantes.git"]);
    assert!(relayed.contains("lyon: version"), "{relayed}");
    assert!(
        relayed.contains(
            "  paris via lyon: version 3, 2 records added or changed, 0 withdrawn (chain paris → lyon)"
        ),
        "{relayed}"
    );
    // Paris's records are under Paris's own namespace at Nantes, with the
    // checkpoint Paris signed (the same bytes Lyon holds) and the chain.
    assert_eq!(mirror_refs(d, "nantes.git"), ["lyon", "paris"]);
    assert!(
        show(
            d,
            "nantes.git",
            "refs/mirrors/paris:records/software/lutece.toml"
        )
        .unwrap()
        .contains("id = \"lutece\"")
    );
    let signed = show(d, "nantes.git", "refs/mirrors/paris:checkpoint.json").unwrap();
    assert_eq!(
        Some(&signed),
        show(d, "lyon.git", "refs/mirrors/paris:checkpoint.json").as_ref()
    );
    let envelope: serde_json::Value = serde_json::from_str(&signed).unwrap();
    assert_eq!(envelope["signatures"][0]["keyid"], paris_key.as_str());
    let via: serde_json::Value =
        serde_json::from_str(&show(d, "nantes.git", "refs/mirrors/paris:via.json").unwrap())
            .unwrap();
    assert_eq!(via["chain"], serde_json::json!(["paris", "lyon"]));
    assert_eq!(via["name"], "Ville de Paris");
    assert_eq!(via["keys"][0]["keyid"], paris_key.as_str());
    // The endpoints Nantes read: Lyon answers Paris's checkpoint as is,
    // 304 when asked again, and 404 for a registry it does not mirror.
    let cp = request(
        &lyon,
        "GET",
        "/federation/v1/mirrors/paris/checkpoint",
        &[],
        b"",
    );
    assert_eq!(cp.status, 200);
    assert_eq!(
        Some(cp.body.clone()),
        show(d, "lyon.git", "refs/mirrors/paris:checkpoint.json")
    );
    let tag = cp.header("etag").unwrap().to_owned();
    let again = request(
        &lyon,
        "GET",
        "/federation/v1/mirrors/paris/checkpoint",
        &[("If-None-Match", &tag)],
        b"",
    );
    assert_eq!(again.status, 304);
    for path in [
        "/federation/v1/mirrors/marseille/checkpoint",
        "/federation/v1/mirrors/marseille/changes?since=0",
        "/federation/v1/mirrors/lyon/checkpoint",
    ] {
        let a = request(&lyon, "GET", path, &[], b"");
        assert_eq!(a.status, 404, "{path}");
        assert!(a.body.contains("Miroir inconnu"), "{path}: {}", a.body);
    }
    let feed: serde_json::Value = serde_json::from_str(
        &request(
            &lyon,
            "GET",
            "/federation/v1/mirrors/paris/changes?since=0",
            &[],
            b"",
        )
        .body,
    )
    .unwrap();
    assert_eq!(feed["registry"], "paris");
    assert_eq!(
        feed["changes"][0]["origin"],
        serde_json::json!(["paris", "lyon"])
    );

    // Searchable at Nantes under the origin Paris, named, linked to the
    // original, saying through whom it came.
    let hit = hit_from(&nantes, "lutece", "paris");
    assert_eq!(hit["url"], "/mirrors/paris/records/software/lutece");
    assert_eq!(
        hit["api_url"],
        format!("http://{paris}/api/v1/records/software/lutece")
    );
    let search = body(&nantes, "/search?q=lutece");
    assert!(search.contains("Ville de Paris"), "{search}");
    let page = body(&nantes, "/mirrors/paris/records/software/lutece");
    assert!(
        page.contains(
            "Fiche de <strong>Ville de Paris</strong>, reçue par <strong>Ville de Lyon</strong>"
        ),
        "{page}"
    );
    assert!(
        page.contains(&format!("href=\"http://{paris}/records/software/lutece\"")),
        "{page}"
    );

    // A change and a withdrawal at Paris travel Paris → Lyon → Nantes.
    add_software(d, "paris.git", "nouveau");
    ok(
        d,
        &[
            "withdraw",
            "--registry",
            "paris.git",
            "software/dansmarue",
            "--reason",
            "Doublon",
        ],
    );
    ok(d, &["sync", "--registry", "lyon.git"]);
    let relayed = ok(d, &["sync", "--registry", "nantes.git"]);
    assert!(
        relayed.contains("  paris via lyon: version 5, 1 records added or changed, 1 withdrawn"),
        "{relayed}"
    );
    assert!(
        show(
            d,
            "nantes.git",
            "refs/mirrors/paris:records/software/nouveau.toml"
        )
        .is_some()
    );
    assert!(
        show(
            d,
            "nantes.git",
            "refs/mirrors/paris:records/software/dansmarue.toml"
        )
        .is_none()
    );
    let again = ok(d, &["sync", "--registry", "nantes.git"]);
    assert!(again.contains("  paris via lyon: unchanged"), "{again}");

    // Paris mirrors Nantes: its own records come back through Nantes, are
    // reported as a loop and never stored; Lyon's arrive through Nantes.
    pin("paris.git", &nantes);
    let looped = run(d, &["sync", "--registry", "paris.git"]);
    let out = stdout(&looped);
    assert_eq!(looped.status.code(), Some(0), "{out}{}", stderr(&looped));
    assert!(out.contains("nantes: version"), "{out}");
    assert!(
        out.contains(
            "  paris via nantes: loop: our own records come back through nantes (chain paris → lyon → nantes), not stored"
        ),
        "{out}"
    );
    assert!(
        out.contains("  lyon via nantes: version") && out.contains("(chain lyon → nantes)"),
        "{out}"
    );
    assert_eq!(mirror_refs(d, "paris.git"), ["lyon", "nantes"]);
    // And Lyon, pinning Paris, sees its own come back too.
    let lyon_sync = ok(d, &["sync", "--registry", "lyon.git"]);
    assert!(
        lyon_sync.contains("  lyon via paris: loop: our own records come back through paris"),
        "{lyon_sync}"
    );
    assert!(
        lyon_sync.contains("  nantes via paris: version"),
        "{lyon_sync}"
    );
    assert!(!mirror_refs(d, "lyon.git").contains(&"lyon".to_owned()));
}

/// The first three tab-separated columns of each line: what other programs
/// read, the same in every language.
fn columns(listed: &str) -> Vec<String> {
    listed
        .lines()
        .map(|l| l.split('\t').take(3).collect::<Vec<_>>().join("\t"))
        .collect()
}

#[test]
fn the_federation_commands_speak_french_to_a_french_locale_and_english_otherwise() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let (paris, _lyon, paris_addr, _, _) = two_cities(d);
    let url = format!("http://{paris_addr}/");

    // `peer add` without a fingerprint: the key, then what to do.
    let fr = run_in(d, &["peer", "add", "--registry", "lyon.git", &url], FR);
    let en = run_in(d, &["peer", "add", "--registry", "lyon.git", &url], "C");
    assert_eq!(fr.status.code(), Some(1));
    assert_eq!(en.status.code(), Some(1));
    let (fr_out, en_out) = (stdout(&fr), stdout(&en));
    assert_eq!(
        fr_out.lines().next(),
        en_out.lines().next(),
        "the key, as is"
    );
    assert!(
        fr_out.contains("montre la clé ci-dessus") && fr_out.contains("Rien n’a été ajouté."),
        "{fr_out}"
    );
    assert!(!fr_out.contains("Nothing was added"), "{fr_out}");
    assert!(
        en_out.contains("shows the key above") && en_out.contains("Nothing was added."),
        "{en_out}"
    );
    assert!(!en_out.contains("Rien n’a été ajouté"), "{en_out}");

    // `peer list`: the same columns, the state in words.
    let fr_list = ok_in(d, &["peer", "list", "--registry", "lyon.git"], FR);
    let en_list = ok_in(d, &["peer", "list", "--registry", "lyon.git"], "C");
    assert!(fr_list.contains("\tsynchronisé le "), "{fr_list}");
    assert!(!fr_list.contains("synced"), "{fr_list}");
    assert!(en_list.contains("\tsynced "), "{en_list}");
    assert_eq!(columns(&fr_list), columns(&en_list));

    // An offer, and `offers list` while Paris answers.
    write(
        d,
        "v2/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece, moteur de portails\"\nlicense = \"MIT\"\n",
    );
    let sent = ok_in(
        d,
        &["offer", "--registry", "lyon.git", "paris", "v2/lutece.toml"],
        FR,
    );
    assert!(sent.contains("envoyée à Ville de Paris (paris)"), "{sent}");
    let offer_id = sent.lines().last().unwrap().to_owned();
    assert!(offer_id.starts_with("off-"), "{sent}");
    let fr_offers = ok_in(d, &["offers", "list", "--registry", "lyon.git"], FR);
    let en_offers = ok_in(d, &["offers", "list", "--registry", "lyon.git"], "C");
    assert!(
        fr_offers.starts_with(&offer_id)
            && fr_offers.contains("\tproposition ")
            && fr_offers.contains("\ten attente"),
        "{fr_offers}"
    );
    assert!(!fr_offers.contains("pending"), "{fr_offers}");
    assert!(
        en_offers.starts_with(&offer_id)
            && en_offers.contains("\tproposal ")
            && en_offers.contains("\tpending"),
        "{en_offers}"
    );
    assert!(!en_offers.contains("en attente"), "{en_offers}");
    assert_eq!(columns(&fr_offers), columns(&en_offers));

    // Paris stops answering: the sync is refused, in words of the locale
    // from the line's start to the reason.
    drop(paris);
    let fr = run_in(d, &["sync", "--registry", "lyon.git"], FR);
    assert_eq!(fr.status.code(), Some(1), "{}", stderr(&fr));
    let fr_sync = stdout(&fr);
    assert!(
        fr_sync.contains("paris : refusé, rien n’a été écrit : http://"),
        "{fr_sync}"
    );
    assert!(fr_sync.contains("ne répond pas : "), "{fr_sync}");
    assert!(
        fr_sync.contains(&format!(
            "offre {offer_id} : issue inconnue pour l’instant : paris ne répond pas : "
        )),
        "{fr_sync}"
    );
    for english in [
        "refused, nothing written",
        "outcome unknown",
        "does not answer",
    ] {
        assert!(!fr_sync.contains(english), "{english}: {fr_sync}");
    }
    let en = run_in(d, &["sync", "--registry", "lyon.git"], "C");
    assert_eq!(en.status.code(), Some(1), "{}", stderr(&en));
    let en_sync = stdout(&en);
    assert!(
        en_sync.contains("paris: refused, nothing written: http://")
            && en_sync.contains(&format!(
                "offer {offer_id}: outcome unknown for now: paris does not answer: "
            )),
        "{en_sync}"
    );
    assert!(!en_sync.contains("refusé"), "{en_sync}");

    // `offers list` says why the outcome could not be fetched.
    let fr_offers = ok_in(d, &["offers", "list", "--registry", "lyon.git"], FR);
    assert!(
        fr_offers.contains("\t(dernière vérification impossible : http://")
            && fr_offers.contains("ne répond pas : "),
        "{fr_offers}"
    );
    assert!(!fr_offers.contains("last check failed"), "{fr_offers}");
    let en_offers = ok_in(d, &["offers", "list", "--registry", "lyon.git"], "C");
    assert!(
        en_offers.contains("\t(last check failed: http://"),
        "{en_offers}"
    );
    assert_eq!(columns(&fr_offers), columns(&en_offers));
    let fr_list = ok_in(d, &["peer", "list", "--registry", "lyon.git"], FR);
    assert!(
        fr_list.contains("\tdernière synchronisation refusée : "),
        "{fr_list}"
    );

    // A failed command: the prefix and the reason in the locale.
    let fr = run_in(
        d,
        &["peer", "remove", "--registry", "lyon.git", "marseille"],
        FR,
    );
    let fr_err = stderr(&fr);
    assert!(
        fr_err.starts_with("erreur : aucun pair marseille ; "),
        "{fr_err}"
    );
    assert!(
        !fr_err.contains("error:") && !fr_err.contains("no peer"),
        "{fr_err}"
    );
    let en = run_in(
        d,
        &["peer", "remove", "--registry", "lyon.git", "marseille"],
        "C",
    );
    let en_err = stderr(&en);
    assert!(en_err.starts_with("error: no peer marseille; "), "{en_err}");
    let fr = run_in(d, &["sync", "--registry", "nowhere.git"], FR);
    let fr_err = stderr(&fr);
    assert!(
        fr_err.starts_with("erreur : ouverture du registre nowhere.git"),
        "{fr_err}"
    );
}

/// A reverse proxy on `listener` in front of `upstream`, as a city's
/// public address often is: each request is forwarded on a connection of
/// its own and its method and path are kept, in order.
fn front(
    listener: std::net::TcpListener,
    upstream: String,
) -> std::sync::Arc<std::sync::Mutex<Vec<String>>> {
    use std::io::{BufRead, BufReader, Read, Write};
    fn forward(
        client: std::net::TcpStream,
        upstream: &str,
        seen: &std::sync::Mutex<Vec<String>>,
    ) -> std::io::Result<()> {
        let mut reader = BufReader::new(client.try_clone()?);
        let mut request = String::new();
        reader.read_line(&mut request)?;
        let request = request.trim_end().to_owned();
        let (mut headers, mut length, mut line) = (String::new(), 0, String::new());
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 || line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(n) = lower.strip_prefix("content-length:") {
                length = n.trim().parse().unwrap_or(0);
            }
            if !lower.starts_with("connection:") {
                headers.push_str(&line);
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        seen.lock().unwrap().push(
            request
                .rsplit_once(' ')
                .map_or(&*request, |(r, _)| r)
                .to_owned(),
        );
        let mut up = std::net::TcpStream::connect(upstream)?;
        write!(up, "{request}\r\n{headers}Connection: close\r\n\r\n")?;
        up.write_all(&body)?;
        let mut answer = Vec::new();
        up.read_to_end(&mut answer)?;
        let mut client = client;
        client.write_all(&answer)?;
        client.shutdown(std::net::Shutdown::Both)
    }
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = seen.clone();
    std::thread::spawn(move || {
        for client in listener.incoming().map_while(Result::ok) {
            let (upstream, kept) = (upstream.clone(), kept.clone());
            std::thread::spawn(move || forward(client, &upstream, &kept));
        }
    });
    seen
}

#[test]
fn offers_go_to_the_address_the_peer_signed_not_the_one_it_was_added_by() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (dir, name, id) in [
        ("paris.git", "Ville de Paris", "paris"),
        ("lyon.git", "Ville de Lyon", "lyon"),
    ] {
        ok(d, &["init", dir, "--name", name, "--id", id]);
    }
    add_software(d, "paris.git", "lutece");
    // Paris's public address is a proxy in front of its server; Lyon adds
    // Paris by the server's own (internal) address.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let public = format!("http://{}/", listener.local_addr().unwrap());
    write(d, "paris.toml", format!("base_url = \"{public}\"\n"));
    let (_paris, paris_addr) = serve_with(d, "paris.git", &["--config", "paris.toml"]);
    let seen = front(listener, paris_addr.clone());
    let (_lyon, lyon_addr) = serve(d, "lyon.git");
    let internal = format!("http://{paris_addr}/");
    assert_ne!(internal, public);
    pin(d, "lyon.git", &internal);
    pin(d, "paris.git", &format!("http://{lyon_addr}/"));
    assert!(seen.lock().unwrap().is_empty(), "added by its own address");
    let pinned = std::fs::read_to_string(d.join("lyon.git/federation/peers.toml")).unwrap();
    assert!(
        pinned.contains(&format!("base_url = \"{public}\"")),
        "{pinned}"
    );

    // The offer is signed for, and posted to, the public address: Paris
    // compares `to` with it, and refuses an offer made for another.
    let before = proposals(d, "paris.git").len();
    write(
        d,
        "v2/lutece.toml",
        "id = \"lutece\"\nkind = \"software\"\ntitle = \"Lutece, moteur de portails\"\nlicense = \"MIT\"\n",
    );
    let sent = ok(
        d,
        &["offer", "--registry", "lyon.git", "paris", "v2/lutece.toml"],
    );
    let offer_id = sent.lines().last().unwrap().to_owned();
    assert!(offer_id.starts_with("off-"), "{sent}");
    assert_eq!(*seen.lock().unwrap(), ["POST /federation/v1/inbox"]);
    assert_eq!(proposals(d, "paris.git").len(), before + 1, "{sent}");

    // Its outcome is read there too.
    let listed = ok_in(d, &["offers", "list", "--registry", "lyon.git"], "C");
    assert!(
        listed.starts_with(&offer_id) && listed.contains("\tpending"),
        "{listed}"
    );
    assert!(!listed.contains("last check failed"), "{listed}");
    assert_eq!(
        seen.lock().unwrap().last().map(String::as_str),
        Some(&*format!("GET /federation/v1/offers/{offer_id}"))
    );
}

#[test]
fn a_refused_sync_is_listed_in_the_readers_language() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    for (dir, name, id) in [
        ("paris.git", "Ville de Paris", "paris"),
        ("lyon.git", "Ville de Lyon", "lyon"),
    ] {
        ok(d, &["init", dir, "--name", name, "--id", id]);
    }
    let (paris, addr) = serve(d, "paris.git");
    pin(d, "lyon.git", &format!("http://{addr}/"));
    // Paris stops answering: the refusal is kept, and each reader sees it
    // in their own language, whatever the language of the sync.
    drop(paris);
    let synced = run_in(d, &["sync", "--registry", "lyon.git"], "C");
    assert_eq!(synced.status.code(), Some(1), "{}", stderr(&synced));
    let fr = ok_in(d, &["peer", "list", "--registry", "lyon.git"], FR);
    assert!(
        fr.contains(&format!(
            "\tdernière synchronisation refusée : http://{addr}/"
        )) && fr.contains(" ne répond pas : "),
        "{fr}"
    );
    assert!(!fr.contains("refused:"), "{fr}");
    let en = ok_in(d, &["peer", "list", "--registry", "lyon.git"], "C");
    assert!(
        en.contains(&format!("\tlast sync refused: http://{addr}/")),
        "{en}"
    );
    assert!(
        !en.contains("ne répond pas") && !en.contains("refusée"),
        "{en}"
    );
}

#[test]
fn keys_rotate_says_in_the_locale_why_it_cannot_and_what_it_did() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    ok(
        d,
        &[
            "init",
            "paris.git",
            "--name",
            "Ville de Paris",
            "--id",
            "paris",
        ],
    );
    // A list of rotations that is not one: nothing is rotated.
    write(d, "paris.git/federation/rotations.json", "pas du JSON");
    let fr = run_in(d, &["keys", "rotate", "--registry", "paris.git"], FR);
    assert!(!fr.status.success());
    let fr_err = stderr(&fr);
    assert!(
        fr_err.starts_with("erreur : ")
            && fr_err.contains("rotations.json n’est pas une liste de rotations : "),
        "{fr_err}"
    );
    assert!(!fr_err.contains("is not a list"), "{fr_err}");
    let en = run_in(d, &["keys", "rotate", "--registry", "paris.git"], "C");
    let en_err = stderr(&en);
    assert!(
        en_err.starts_with("error: ")
            && en_err.contains("rotations.json is not a list of rotations: "),
        "{en_err}"
    );
    std::fs::remove_file(d.join("paris.git/federation/rotations.json")).unwrap();
    let fr = ok_in(d, &["keys", "rotate", "--registry", "paris.git"], FR);
    assert!(fr.contains("clé remplacée : ed25519:"), "{fr}");
    assert!(!fr.contains("key replaced"), "{fr}");
}
