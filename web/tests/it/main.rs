//! End-to-end tests of the web server: the real router on a loopback
//! port, against a real registry in a temporary folder, called over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod alternatives;
mod api;
mod connections;
mod cost;
mod dcat;
mod demo;
mod dumps;
mod exchange_pages;
mod exchange_person;
mod fuzz;
mod hostile;
mod metrics;
mod oai;
mod openapi;
mod pages;
mod proposals;
mod propose_alone;
mod readable;
mod review;
mod search;
mod util;
