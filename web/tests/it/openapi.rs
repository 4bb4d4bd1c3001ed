//! The generated OpenAPI document: its shape, that it lists exactly the
//! routes of the API, that the live server's answers validate against it,
//! and that the code refuses what it forbids (issue 13).

use std::collections::BTreeSet;

use cdl_indexer::Sort;
use cdl_indexer::query::MAX_QUERY_LEN;
use cdl_records::Kind;
use cdl_web::search::MAX_VALUES_PER_FILTER;
use serde_json::{Value, json};

use crate::util::{Client, Resp, Result, Server};

/// The document as served.
async fn served(c: &mut Client) -> Value {
    let r = c.get("/api/v1/openapi.json").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").starts_with("application/json"));
    serde_json::from_str(&r.body).expect("the document is JSON")
}

/// The schema the document gives for `method path` answering `status`
/// with a body of `media`.
fn response_schema(doc: &Value, path: &str, method: &str, status: u16, media: &str) -> Value {
    let schema =
        &doc["paths"][path][method]["responses"][status.to_string()]["content"][media]["schema"];
    assert!(
        schema.is_object(),
        "no {media} schema for {method} {path} {status}"
    );
    schema.clone()
}

/// The problems found validating `body` against `schema`, a schema of
/// the document (its `$ref`s point into the document's components).
fn problems(doc: &Value, schema: &Value, body: &Value) -> Vec<String> {
    let mut root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
    });
    root["components"] = doc["components"].clone();
    let validator = jsonschema::validator_for(&root).expect("the schema compiles");
    validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Asserts that `r`, the answer of `method path`, has a documented status
/// and validates against the document; returns its body.
fn conforms(doc: &Value, path: &str, method: &str, r: &Resp) -> Value {
    let responses = &doc["paths"][path][method]["responses"];
    assert!(
        responses[r.status.to_string()].is_object(),
        "{method} {path}: status {} is not documented: {}",
        r.status,
        r.body
    );
    let media = r
        .header("content-type")
        .split(';')
        .next()
        .unwrap_or("")
        .to_owned();
    let body: Value = serde_json::from_str(&r.body).unwrap();
    let schema = response_schema(doc, path, method, r.status, &media);
    let found = problems(doc, &schema, &body);
    assert!(found.is_empty(), "{method} {path} {}: {found:?}", r.status);
    body
}

/// The schema a `$ref` names, or the schema itself.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema["$ref"].as_str() {
        Some(r) => {
            let name = r.rsplit('/').next().unwrap();
            &doc["components"]["schemas"][name]
        }
        None => schema,
    }
}

/// The values of the enumerated schema `name`: its `enum`, or the `const`
/// of each of its `oneOf` (as schemars writes enums with documented
/// variants).
fn values<'a>(doc: &'a Value, name: &str) -> Vec<&'a str> {
    let schema = &doc["components"]["schemas"][name];
    match schema["enum"].as_array() {
        Some(e) => e.iter().filter_map(Value::as_str).collect(),
        None => schema["oneOf"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not an enum"))
            .iter()
            .filter_map(|v| v["const"].as_str())
            .collect(),
    }
}

/// The search parameter `name` of the document.
fn parameter<'a>(doc: &'a Value, name: &str) -> &'a Value {
    doc["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no parameter {name}"))
}

#[tokio::test]
async fn the_document_is_openapi_3_1_and_lists_every_route_of_the_api() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let doc = served(&mut c).await;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1."));
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["info"]["title"].is_string() && doc["info"]["version"].is_string());
    // The router is built from `endpoints()`: the document has exactly
    // those operations, and each answers on the live server with a status
    // the document gives (a route missing from the router would be the
    // fallback's 404, undocumented for most of them).
    let endpoints = cdl_web::api::endpoints();
    let mut expected = BTreeSet::new();
    for e in &endpoints {
        let method = e.method.as_str().to_ascii_lowercase();
        assert!(
            doc["paths"][e.path][&method].is_object(),
            "{method} {} is not in the document",
            e.path
        );
        expected.insert((e.path.to_owned(), method));
    }
    let documented: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .unwrap()
                .keys()
                .map(|m| (path.clone(), m.clone()))
        })
        .collect();
    assert_eq!(documented, expected);
    for route in [
        "/search",
        "/records/{kind}/{id}",
        "/proposals",
        "/proposals/{id}",
        "/vocabulary",
        "/exchange/sessions",
        "/exchange/lots",
        "/exchange/bookings",
        "/exchange/bookings/{id}",
        "/openapi.json",
    ] {
        assert!(doc["paths"][route].is_object(), "{route}");
    }
    for e in &endpoints {
        let path = e
            .path
            .replace("{kind}", "software")
            .replace("{id}", "lutece");
        let url = format!("/api/v1{path}");
        let method = e.method.as_str().to_ascii_lowercase();
        let r = match method.as_str() {
            "post" => {
                c.post_body(&url, "application/toml", b"id = ".to_vec())
                    .await
            }
            "delete" => c.send(reqwest::Method::DELETE, &url, &[], None).await,
            _ => c.get(&url).await,
        };
        conforms(&doc, e.path, &method, &r);
    }
    // Every `$ref` points at a schema the document has.
    let text = doc.to_string();
    for piece in text.split("\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "dangling $ref {name}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn answers_of_the_live_server_validate_against_the_document() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let doc = served(&mut c).await;
    for query in [
        "q=portail",
        "q=tomate&kind=seed-lot&sort=title",
        "kind=software&kind=dataset&family=permissive&verdict=certified&per_page=1&page=2",
        "q=paris%20bruit%20zzzz",
        "",
    ] {
        let r = c.get(&format!("/api/v1/search?{query}")).await;
        assert_eq!(r.status, 200, "{query}: {}", r.body);
        let body = conforms(&doc, "/search", "get", &r);
        // Nothing in the answer escapes the document: every member of the
        // answer and of its hits is a property of its schema.
        let schema = resolve(&doc, &doc["components"]["schemas"]["SearchResponse"]);
        for key in body.as_object().unwrap().keys() {
            assert!(schema["properties"][key].is_object(), "search: {key}");
        }
        let hit = &doc["components"]["schemas"]["SearchHit"];
        for h in body["hits"].as_array().unwrap() {
            for key in h.as_object().unwrap().keys() {
                assert!(hit["properties"][key].is_object(), "hit: {key}");
            }
        }
    }
    let r = c.get("/api/v1/search?q=%22open").await;
    assert_eq!(r.status, 400);
    assert_eq!(conforms(&doc, "/search", "get", &r)["code"], "bad-query");

    let r = c.get("/api/v1/records/software/lutece").await;
    assert_eq!(r.status, 200);
    let body = conforms(&doc, "/records/{kind}/{id}", "get", &r);
    assert_eq!(body["record"]["id"], "lutece");
    let r = c.get("/api/v1/records/dataset/absent").await;
    assert_eq!(r.status, 404);
    conforms(&doc, "/records/{kind}/{id}", "get", &r);

    let r = c.get("/api/v1/vocabulary").await;
    conforms(&doc, "/vocabulary", "get", &r);
    let r = c.get("/api/v1/openapi.json").await;
    conforms(&doc, "/openapi.json", "get", &r);

    let record = "id = \"contrat-api\"\nkind = \"dataset\"\ntitle = \"Contrat de l’API\"\nlicense = \"ODbL-1.0\"\n\n[dataset]\npublisher = { name = \"Ville de Paris\" }\nformats = [\"CSV\"]\n";
    let r = c
        .post_body("/api/v1/proposals", "application/toml", record.into())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let body = conforms(&doc, "/proposals", "post", &r);
    let id = body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.header("location"), format!("/api/v1/proposals/{id}"));
    let r = c.get(&format!("/api/v1/proposals/{id}")).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        conforms(&doc, "/proposals/{id}", "get", &r)["status"],
        "open"
    );
    for (body, status) in [
        (b"title = 1".to_vec(), 422),
        (vec![0xff, 0xfe], 422),
        (crate::util::catalogue()[0].1.clone().into_bytes(), 409),
    ] {
        let r = c
            .post_body("/api/v1/proposals", "application/toml", body)
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        conforms(&doc, "/proposals", "post", &r);
    }
    let r = c
        .post_body("/api/v1/proposals", "text/plain", b"x".to_vec())
        .await;
    assert_eq!(r.status, 415);
    conforms(&doc, "/proposals", "post", &r);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_exchange_answers_validate_against_the_document() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let doc = served(&mut c).await;
    // The operations that need a farmer's token say so with the bearer
    // scheme the document defines, and document their 401.
    let scheme = cdl_web::openapi::BEARER;
    assert_eq!(
        doc["components"]["securitySchemes"][scheme]["scheme"],
        "bearer"
    );
    for (path, method) in [
        ("/exchange/bookings", "get"),
        ("/exchange/bookings", "post"),
        ("/exchange/bookings/{id}", "delete"),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op["security"][0][scheme].is_array(), "{method} {path}");
        assert!(op["responses"]["401"].is_object(), "{method} {path}");
    }
    for path in ["/exchange/sessions", "/exchange/lots"] {
        assert!(doc["paths"][path]["get"]["security"].is_null(), "{path}");
    }
    // A session, a farmer and a token, in the store the server uses.
    let store = cdl_exchange::Store::open(None, &server.git_dir.join(cdl_exchange::DEFAULT_FILE))
        .await
        .unwrap();
    let session = store
        .add_session("Halle Pajol", cdl_exchange::now() + 3600, 1)
        .await
        .unwrap();
    store
        .add_farmer("Jeanne", "jeanne@example.org", "CT-1", "test")
        .await
        .unwrap();
    let token = store.new_token("jeanne@example.org", "test").await.unwrap();
    let bearer = format!("Bearer {token}");
    let auth = [("authorization", bearer.as_str())];
    let get = reqwest::Method::GET;
    let post = reqwest::Method::POST;
    let delete = reqwest::Method::DELETE;

    let r = c.get("/api/v1/exchange/sessions").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        conforms(&doc, "/exchange/sessions", "get", &r)["sessions"][0]["id"],
        session
    );
    let r = c.get("/api/v1/exchange/lots").await;
    let lots = conforms(&doc, "/exchange/lots", "get", &r);
    let lot = lots["lots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lot"] == "seed-lot/tomate-coeur-de-boeuf-2025")
        .expect("the catalogue's seed lot is offered");
    assert_eq!(lot["offered"], 30);
    assert!(
        lots["lots"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["lot"] == "ferment-lot/levain-seigle-belleville")
    );
    let body = |quantity: i64| json!({ "session": session, "items": [{ "lot": "seed-lot/tomate-coeur-de-boeuf-2025", "quantity": quantity }] });
    for (headers, json, status) in [
        (&[][..], Some(body(1)), 401),
        (&auth[..], Some(json!({ "session": session })), 400),
        (&auth[..], Some(body(31)), 409),
        (
            &auth[..],
            Some(
                json!({ "session": 12345, "items": [{ "lot": "seed-lot/tomate-coeur-de-boeuf-2025", "quantity": 1 }] }),
            ),
            404,
        ),
        (&auth[..], Some(body(2)), 201),
        (&auth[..], Some(body(2)), 409),
    ] {
        let r = c
            .send(post.clone(), "/api/v1/exchange/bookings", headers, json)
            .await;
        assert_eq!(r.status, status, "{}", r.body);
        let answer = conforms(&doc, "/exchange/bookings", "post", &r);
        if status == 401 {
            assert_eq!(r.header("www-authenticate"), "Bearer");
            assert_eq!(answer["instance"], "/api/v1/exchange/bookings");
        }
    }
    let r = c
        .send(get.clone(), "/api/v1/exchange/bookings", &auth, None)
        .await;
    let mine = conforms(&doc, "/exchange/bookings", "get", &r);
    let id = mine["bookings"][0]["id"].as_i64().unwrap();
    let r = c.send(get, "/api/v1/exchange/bookings", &[], None).await;
    conforms(&doc, "/exchange/bookings", "get", &r);
    let url = format!("/api/v1/exchange/bookings/{id}");
    for (headers, path, status) in [
        (&[][..], url.as_str(), 401),
        (&auth[..], "/api/v1/exchange/bookings/x", 400),
        (&auth[..], "/api/v1/exchange/bookings/99999", 404),
        (&auth[..], url.as_str(), 204),
        (&auth[..], url.as_str(), 409),
    ] {
        let r = c.send(delete.clone(), path, headers, None).await;
        assert_eq!(r.status, status, "{path}: {}", r.body);
        if status != 204 {
            conforms(&doc, "/exchange/bookings/{id}", "delete", &r);
        } else {
            assert!(r.body.is_empty());
            assert!(
                doc["paths"]["/exchange/bookings/{id}"]["delete"]["responses"]["204"].is_object()
            );
        }
    }
    Ok(())
}

#[test]
fn the_validator_catches_an_answer_that_breaks_the_document() {
    let doc = cdl_web::openapi::document();
    let schema = response_schema(&doc, "/search", "get", 200, "application/json");
    let good = json!({
        "query": "", "sort": "relevance", "page": 1, "per_page": 20, "total": 0,
        "relaxed": null, "hits": [], "facets": {},
    });
    assert_eq!(problems(&doc, &schema, &good), Vec::<String>::new());
    let mut bad = good.clone();
    bad["sort"] = json!("random");
    assert!(!problems(&doc, &schema, &bad).is_empty());
    let mut bad = good;
    bad["hits"] = json!([{ "id": "x" }]);
    assert!(!problems(&doc, &schema, &bad).is_empty());
}

#[test]
fn limits_and_values_come_from_the_code() {
    let doc = cdl_web::openapi::document();
    assert_eq!(parameter(&doc, "q")["schema"]["maxLength"], MAX_QUERY_LEN);
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(values(&doc, "Kind"), kinds);
    let sorts: Vec<&str> = Sort::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(values(&doc, "Sort"), sorts);
    assert_eq!(
        parameter(&doc, "kind")["schema"]["maxItems"],
        MAX_VALUES_PER_FILTER
    );
    assert_eq!(
        parameter(&doc, "per_page")["schema"]["maximum"],
        cdl_indexer::MAX_LIMIT
    );
    assert_eq!(parameter(&doc, "page")["schema"]["minimum"], 1);
    // Every parameter that the search reads is documented, and no other.
    let mut names: BTreeSet<String> = cdl_indexer::FacetDim::ALL
        .into_iter()
        .map(|d| cdl_web::search::param_name(d).to_owned())
        .collect();
    names.extend(["q", "sort", "page", "per_page"].map(String::from));
    let documented: BTreeSet<String> = doc["paths"]["/search"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(documented, names);
    // A field of a response struct is a property of its schema.
    let proposal = &doc["components"]["schemas"]["ProposalResponse"]["properties"];
    for field in [
        "id",
        "status",
        "author",
        "time",
        "records",
        "mergeable",
        "report",
    ] {
        assert!(proposal[field].is_object(), "{field}");
    }
    assert_eq!(
        doc["components"]["schemas"]["ProposalId"]["pattern"],
        format!("^[0-9a-f]{{{}}}$", cdl_registry::ProposalId::LEN)
    );
}

#[tokio::test]
async fn search_refuses_what_the_document_forbids_and_takes_what_it_allows() -> Result {
    let server = Server::start().await;
    let mut c = server.client();
    let doc = served(&mut c).await;
    let ok = |n: usize, c: char| std::iter::repeat_n(c, n).collect::<String>();
    // Length in characters, as `maxLength` counts: 1,000 two-byte
    // characters pass, 1,001 ASCII ones do not.
    for (q, status) in [
        (ok(MAX_QUERY_LEN, 'é'), 200),
        (ok(MAX_QUERY_LEN, 'a'), 200),
        (ok(MAX_QUERY_LEN + 1, 'a'), 400),
    ] {
        let q: String = url::form_urlencoded::byte_serialize(q.as_bytes()).collect();
        let r = c.get(&format!("/api/v1/search?q={q}")).await;
        assert_eq!(r.status, status, "{}", r.body);
        conforms(&doc, "/search", "get", &r);
    }
    // Enumerated values: an empty or unknown one is refused, like the
    // document's enum.
    for query in [
        "kind=",
        "kind=nothing",
        "family=",
        "verdict=maybe",
        "sort=",
        "sort=random",
        "kind=software&kind=",
    ] {
        let r = c.get(&format!("/api/v1/search?{query}")).await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        assert_eq!(conforms(&doc, "/search", "get", &r)["code"], "bad-query");
    }
    // `maxItems` counts every value, repeated or not.
    let many = |n: usize| vec!["kind=software"; n].join("&");
    let r = c
        .get(&format!("/api/v1/search?{}", many(MAX_VALUES_PER_FILTER)))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = c
        .get(&format!(
            "/api/v1/search?{}",
            many(MAX_VALUES_PER_FILTER + 1)
        ))
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    // The site's search page keeps its forgiving reading.
    assert_eq!(c.get("/search?kind=&sort=").await.status, 200);
    Ok(())
}
