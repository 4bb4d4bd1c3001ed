//! Writing a pack of whole objects together with its index.
//!
//! A pack made from objects held in memory (a mirror's first sync, a large
//! import) has no deltas, and every object's id is known before it is
//! written. gix-pack's writer then rebuilds the index by reading the pack
//! back: it inflates and hashes every object a second time, which was a
//! tenth of a first mirror's time (and the memory of the inflated copies).
//! Here the index is written from what the writer already knows: each
//! entry's id, offset and CRC-32. The formats are Git's (`gitformat-pack`:
//! pack version 2, index version 2); the pack's and each entry's headers
//! are encoded by gix-pack.

use std::collections::HashSet;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use gix::ObjectId;
use gix_pack::data::output;

use crate::error::StorageError;

/// One entry of a pack, as the index records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Indexed {
    /// The object's id.
    pub id: ObjectId,
    /// The CRC-32 of the entry's bytes in the pack (header and data).
    pub crc32: u32,
    /// Where the entry starts in the pack.
    pub offset: u64,
}

/// The files written by [`write_whole_pack`].
#[derive(Debug)]
pub(crate) struct Written {
    /// `pack-<hash>.pack`.
    pub pack: PathBuf,
    /// `pack-<hash>.idx`.
    pub index: PathBuf,
}

/// Writes `entries` (whole objects, never deltas) as a pack and its index
/// into the folder `dir`, each object once (the first entry of an id is
/// kept). The files are named after the pack's checksum, as Git names
/// them.
///
/// # Errors
/// When a file cannot be written, or an entry is a delta.
pub(crate) fn write_whole_pack(
    dir: &Path,
    entries: &[output::Entry],
) -> Result<Written, StorageError> {
    let mut seen = HashSet::with_capacity(entries.len());
    let kept: Vec<&output::Entry> = entries.iter().filter(|e| seen.insert(e.id)).collect();
    let count = u32::try_from(kept.len()).map_err(|_| StorageError::Inconsistent {
        what: "more than 4 billion objects to pack".to_owned(),
    })?;
    let data_path = dir.join("data.pack");
    let io = |e| StorageError::io("writing", &data_path, e);
    let file = fs::OpenOptions::new()
        .create_new(true)
        .write(true)
        .open(&data_path)
        .map_err(io)?;
    let mut out = gix::hash::io::Write::new(
        BufWriter::with_capacity(1 << 20, file),
        gix::hash::Kind::Sha1,
    );
    let header_bytes = gix_pack::data::header::encode(gix_pack::data::Version::V2, count);
    out.write_all(&header_bytes).map_err(io)?;
    let mut offset = header_bytes.len() as u64;
    let mut index = Vec::with_capacity(kept.len());
    let mut header = Vec::with_capacity(16);
    for entry in kept {
        let kind = match entry.kind {
            output::entry::Kind::Base(kind) => kind,
            output::entry::Kind::DeltaOid { .. } | output::entry::Kind::DeltaRef { .. } => {
                return Err(StorageError::Inconsistent {
                    what: "a delta among the objects of a whole pack".to_owned(),
                });
            }
        };
        header.clear();
        entry_header(kind)
            .write_to(entry.decompressed_size as u64, &mut header)
            .map_err(io)?;
        let mut crc = crc32fast::Hasher::new();
        crc.update(&header);
        crc.update(&entry.compressed_data);
        index.push(Indexed {
            id: entry.id,
            crc32: crc.finalize(),
            offset,
        });
        out.write_all(&header).map_err(io)?;
        out.write_all(&entry.compressed_data).map_err(io)?;
        offset += (header.len() + entry.compressed_data.len()) as u64;
    }
    let checksum = out
        .hash
        .try_finalize()
        .map_err(|e| StorageError::Inconsistent {
            what: format!("hashing a pack: {e}"),
        })?;
    let mut out = out.inner;
    out.write_all(checksum.as_slice()).map_err(io)?;
    // Synced, when the registry syncs, as it is placed.
    drop(out.into_inner().map_err(|e| io(e.into_error()))?);
    let index_path = dir.join("data.idx");
    let bytes = index_bytes(&mut index, &checksum)?;
    fs::write(&index_path, bytes).map_err(|e| StorageError::io("writing", &index_path, e))?;
    let name = format!("pack-{}", checksum.to_hex());
    let pack = dir.join(format!("{name}.pack"));
    let idx = dir.join(format!("{name}.idx"));
    fs::rename(&data_path, &pack).map_err(|e| StorageError::io("renaming", &data_path, e))?;
    fs::rename(&index_path, &idx).map_err(|e| StorageError::io("renaming", &index_path, e))?;
    Ok(Written { pack, index: idx })
}

/// `data` as a zlib stream of stored (uncompressed) blocks, RFC 1950 and
/// 1951: the two-byte header of the fastest level, blocks of at most
/// 65,535 bytes each with its length and that length's complement, then
/// the Adler-32 of `data`.
///
/// Written here for the blobs of a first mirror: TOML records of a
/// kilobyte or two shrink by a quarter at zlib's fastest level, and a
/// zlib compressor clears 128 KiB of tables for each stream, so that
/// compressing 100,000 records was a third of the sync's work. Any zlib
/// reader (Git's, gix's) reads these streams.
pub(crate) fn stored_zlib(data: &[u8]) -> Vec<u8> {
    const BLOCK: usize = 65_535;
    let blocks = data.len().div_ceil(BLOCK).max(1);
    let mut out = Vec::with_capacity(2 + blocks * 5 + data.len() + 4);
    out.extend_from_slice(&[0x78, 0x01]);
    let mut chunks = data.chunks(BLOCK).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[0x01, 0x00, 0x00, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        // A chunk is at most 65,535 bytes.
        let len = u16::try_from(chunk.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&adler2::adler32_slice(data).to_be_bytes());
    out
}

fn entry_header(kind: gix::object::Kind) -> gix_pack::data::entry::Header {
    use gix_pack::data::entry::Header;
    match kind {
        gix::object::Kind::Blob => Header::Blob,
        gix::object::Kind::Tree => Header::Tree,
        gix::object::Kind::Commit => Header::Commit,
        gix::object::Kind::Tag => Header::Tag,
    }
}

/// The bytes of a version-2 pack index of `entries` (sorted here by id)
/// for the pack of checksum `pack`: the magic and version, the fan-out
/// table, the ids, the CRC-32s, the offsets (those past 2 GiB in a table
/// of 64-bit offsets), the pack's checksum, and the index's own.
pub(crate) fn index_bytes(
    entries: &mut [Indexed],
    pack: &ObjectId,
) -> Result<Vec<u8>, StorageError> {
    entries.sort_unstable_by_key(|e| e.id);
    if entries.windows(2).any(|w| w[0].id == w[1].id) {
        return Err(StorageError::Inconsistent {
            what: "an object twice in a pack index".to_owned(),
        });
    }
    let mut out = Vec::with_capacity(8 + 256 * 4 + entries.len() * 28 + 40);
    out.extend_from_slice(&[0xff, b't', b'O', b'c']);
    out.extend_from_slice(&2u32.to_be_bytes());
    let mut fanout = [0u32; 256];
    for e in entries.iter() {
        fanout[usize::from(e.id.as_slice()[0])] += 1;
    }
    let mut total = 0u32;
    for count in fanout {
        total += count;
        out.extend_from_slice(&total.to_be_bytes());
    }
    for e in entries.iter() {
        out.extend_from_slice(e.id.as_slice());
    }
    for e in entries.iter() {
        out.extend_from_slice(&e.crc32.to_be_bytes());
    }
    let mut large = Vec::new();
    for e in entries.iter() {
        match u32::try_from(e.offset) {
            Ok(small) if small < 0x8000_0000 => out.extend_from_slice(&small.to_be_bytes()),
            _ => {
                let at = u32::try_from(large.len())
                    .ok()
                    .filter(|at| *at < 0x8000_0000)
                    .ok_or_else(|| StorageError::Inconsistent {
                        what: "too many large offsets in a pack index".to_owned(),
                    })?;
                out.extend_from_slice(&(0x8000_0000 | at).to_be_bytes());
                large.push(e.offset);
            }
        }
    }
    for offset in large {
        out.extend_from_slice(&offset.to_be_bytes());
    }
    out.extend_from_slice(pack.as_slice());
    let mut hasher = gix::hash::hasher(gix::hash::Kind::Sha1);
    hasher.update(&out);
    let own = hasher
        .try_finalize()
        .map_err(|e| StorageError::Inconsistent {
            what: format!("hashing a pack index: {e}"),
        })?;
    out.extend_from_slice(own.as_slice());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u8, rest: u8) -> ObjectId {
        let mut bytes = [rest; 20];
        bytes[0] = n;
        ObjectId::from_bytes_or_panic(&bytes)
    }

    /// gix reads back what the index says, the 64-bit offsets included.
    #[test]
    fn gix_reads_the_index_with_large_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let mut entries = vec![
            Indexed {
                id: id(0xab, 1),
                crc32: 7,
                offset: 12,
            },
            Indexed {
                id: id(0x01, 2),
                crc32: 8,
                offset: 5 << 31,
            },
            Indexed {
                id: id(0xab, 0),
                crc32: 9,
                offset: 0x8000_0000,
            },
            Indexed {
                id: id(0xff, 3),
                crc32: 10,
                offset: 0x7fff_ffff,
            },
        ];
        let pack = id(0x42, 0x42);
        let bytes = index_bytes(&mut entries, &pack).unwrap();
        let path = dir.path().join("pack-test.idx");
        fs::write(&path, bytes).unwrap();
        let file = gix_pack::index::File::at(&path, gix::hash::Kind::Sha1).unwrap();
        assert_eq!(file.num_objects(), 4);
        assert_eq!(file.version(), gix_pack::index::Version::V2);
        file.verify_checksum(
            &mut gix::progress::Discard,
            &std::sync::atomic::AtomicBool::new(false),
        )
        .unwrap();
        for e in &entries {
            let at = file.lookup(e.id).unwrap();
            assert_eq!(file.pack_offset_at_index(at), e.offset, "{}", e.id);
            assert_eq!(file.crc32_at_index(at), Some(e.crc32), "{}", e.id);
        }
        assert_eq!(file.lookup(id(0x02, 0)), None);
        assert_eq!(file.pack_checksum(), pack);
    }

    /// Stored streams inflate back to their data, at every block boundary.
    #[test]
    fn stored_streams_inflate_to_their_data() {
        for len in [0usize, 1, 1200, 65_534, 65_535, 65_536, 200_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
            let stream = stored_zlib(&data);
            let mut back = vec![0; len + 1];
            let (status, read, written) = gix::zlib::Inflate::default()
                .once(&stream, &mut back)
                .unwrap();
            assert_eq!(status, gix::zlib::Status::StreamEnd, "{len} bytes");
            assert_eq!(read, stream.len(), "{len} bytes");
            back.truncate(written);
            assert_eq!(back, data, "{len} bytes");
        }
    }

    #[test]
    fn an_id_twice_is_refused() {
        let mut entries = vec![
            Indexed {
                id: id(1, 1),
                crc32: 1,
                offset: 12,
            },
            Indexed {
                id: id(1, 1),
                crc32: 1,
                offset: 40,
            },
        ];
        assert!(index_bytes(&mut entries, &id(0, 0)).is_err());
    }
}
