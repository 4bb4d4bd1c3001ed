//! Connections: silent and idle ones are closed, HTTP/2 only when
//! configured, a ceiling per client address, and the answers to heads too
//! large for the router carry the site's error bodies.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::util::{Result, Server};

/// A bound on waits, far above every timeout the tests configure: a test
/// that reaches it fails instead of hanging.
const GUARD: Duration = Duration::from_secs(20);

/// Reads until the server closes; `None` if it did not within [`GUARD`].
async fn until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut buf = Vec::new();
    match tokio::time::timeout(GUARD, stream.read_to_end(&mut buf)).await {
        Ok(_) => Some(buf),
        Err(_) => None,
    }
}

fn short_timeout() -> cdl_web::WebConfig {
    cdl_web::WebConfig {
        header_read_timeout_secs: 1,
        ..cdl_web::WebConfig::default()
    }
}

#[tokio::test]
async fn a_silent_connection_is_closed() -> Result {
    let server = Server::start_with(short_timeout()).await;
    let mut stream = TcpStream::connect(server.addr).await?;
    let read = until_closed(&mut stream).await;
    assert_eq!(read.as_deref(), Some(&b""[..]), "closed without an answer");
    assert_eq!(server.client().get("/healthz").await.status, 200);
    Ok(())
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() -> Result {
    let server = Server::start_with(short_timeout()).await;
    let mut stream = TcpStream::connect(server.addr).await?;
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await?;
    let read = until_closed(&mut stream)
        .await
        .expect("closed after a while");
    let text = String::from_utf8_lossy(&read);
    assert!(text.starts_with("HTTP/1.1 200 OK"), "{text}");
    Ok(())
}

/// The HTTP/2 connection preface and an empty SETTINGS frame.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/// True when `bytes` begin with an HTTP/2 SETTINGS frame.
fn is_h2_settings(bytes: &[u8]) -> bool {
    bytes.len() >= 9 && bytes[3] == 0x04 && bytes[5..9] == [0, 0, 0, 0]
}

#[tokio::test]
async fn h2c_prior_knowledge_gets_no_http2_by_default() -> Result {
    let server = Server::start_with(short_timeout()).await;
    let mut stream = TcpStream::connect(server.addr).await?;
    stream.write_all(H2_PREFACE).await?;
    let read = until_closed(&mut stream).await.expect("closed");
    assert!(!is_h2_settings(&read), "{read:?}");
    assert!(
        read.is_empty() || read.starts_with(b"HTTP/1.1 "),
        "{}",
        String::from_utf8_lossy(&read)
    );
    Ok(())
}

#[tokio::test]
async fn h2c_is_served_when_configured_and_idle_ones_are_closed() -> Result {
    let config = cdl_web::WebConfig {
        http2: true,
        ..short_timeout()
    };
    let server = Server::start_with(config).await;
    let mut stream = TcpStream::connect(server.addr).await?;
    stream.write_all(H2_PREFACE).await?;
    // A HEADERS frame (stream 1) without END_HEADERS, never continued.
    stream
        .write_all(b"\x00\x00\x01\x01\x01\x00\x00\x00\x01\x82")
        .await?;
    let read = until_closed(&mut stream)
        .await
        .expect("the unfinished header block does not hold the connection");
    assert!(is_h2_settings(&read), "{read:?}");
    // HTTP/1 clients are still served.
    assert_eq!(server.client().get("/healthz").await.status, 200);
    Ok(())
}

#[tokio::test]
async fn connections_per_client_are_capped() -> Result {
    let config = cdl_web::WebConfig {
        max_connections_per_client: 3,
        ..cdl_web::WebConfig::default()
    };
    let server = Server::start_with(config).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(server.addr).await?);
    }
    let mut extra = TcpStream::connect(server.addr).await?;
    let read = until_closed(&mut extra).await;
    assert_eq!(read.as_deref(), Some(&b""[..]), "the fourth is closed");
    // The held ones are served.
    held[0]
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await?;
    let answer = until_closed(&mut held[0]).await.expect("answered");
    assert!(answer.starts_with(b"HTTP/1.1 200 OK"));
    // A closed one frees its place (counted down when the server sees it).
    drop(held);
    let mut served = false;
    for _ in 0..200 {
        let mut stream = TcpStream::connect(server.addr).await?;
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .await?;
        let answer = until_closed(&mut stream).await.unwrap_or_default();
        if answer.starts_with(b"HTTP/1.1 200 OK") {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(served, "places come back when connections close");
    Ok(())
}

/// Sends `head` as is and returns the whole answer.
async fn raw(server: &Server, head: &[u8]) -> Result<String> {
    let mut stream = TcpStream::connect(server.addr).await?;
    stream.write_all(head).await?;
    let read = until_closed(&mut stream)
        .await
        .expect("answered and closed");
    Ok(String::from_utf8_lossy(&read).into_owned())
}

#[tokio::test]
async fn too_long_addresses_get_an_error_body() -> Result {
    let server = Server::start().await;
    let long = "a".repeat(100 * 1024);
    let medium = "a".repeat(10 * 1024);
    for (path, api) in [
        (format!("/search?q={long}"), false),
        (format!("/api/v1/search?q={long}"), true),
        (format!("/search?q={medium}"), false),
        (format!("/api/v1/search?q={medium}"), true),
    ] {
        let answer = raw(
            &server,
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
        .await?;
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414"), "{head}");
        let head = head.to_ascii_lowercase();
        if api {
            assert!(head.contains("content-type: application/problem+json"));
            let problem: serde_json::Value = serde_json::from_str(body)?;
            assert_eq!(problem["status"], 414);
            assert_eq!(problem["code"], "uri-too-long");
        } else {
            assert!(head.contains("content-type: text/html"), "{head}");
            assert!(body.contains("Erreur 414"), "{body}");
            assert!(body.contains("trop longue"));
        }
        assert!(head.contains("content-security-policy"));
    }
    Ok(())
}

#[tokio::test]
async fn too_large_headers_get_an_error_body() -> Result {
    let server = Server::start().await;
    for size in [40 * 1024, 100 * 1024] {
        let big = "b".repeat(size);
        for (path, api) in [("/search", false), ("/api/v1/search", true)] {
            let answer = raw(
                &server,
                format!(
                    "GET {path} HTTP/1.1\r\nHost: localhost\r\nX-Big: {big}\r\nConnection: close\r\n\r\n"
                )
                .as_bytes(),
            )
            .await?;
            let (head, body) = answer.split_once("\r\n\r\n").unwrap();
            assert!(head.starts_with("HTTP/1.1 431"), "{size}: {head}");
            if api {
                let problem: serde_json::Value = serde_json::from_str(body)?;
                assert_eq!(problem["code"], "headers-too-large", "{size}");
            } else {
                assert!(body.contains("Erreur 431"), "{size}: {body}");
            }
        }
    }
    // A head that does not parse at all.
    let answer = raw(&server, b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n").await?;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("Erreur 400"), "{answer}");
    Ok(())
}
