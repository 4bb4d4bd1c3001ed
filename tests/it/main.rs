//! Library-level integration tests of the registry, against real
//! repositories in temporary folders (one binary, a module per feature).

mod registry_basics;
