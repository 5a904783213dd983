package quarantine

// readme is written once at the root of every store, for whoever finds the folder.
const readme = `EXSWEEP QUARANTINE STORE - EVIDENCE, DO NOT DELETE

This folder holds files that "exsweep clean" removed from an Exchange server because a hunt found
them malicious (web shells, dumps, tools). Each was copied here, verified and recorded before the
original was removed. Keep this folder; it is evidence. Do not put it under a web site's folder.

  manifest.jsonl   one JSON line per event (quarantined, removed, restored): original path, size,
                   times, owner/ACL, SHA-256, MD5, SHA-1, findings, tool, operator note. Each line
                   holds the SHA-256 of the line before it: an edited, removed or reordered line
                   breaks the chain and "exsweep quarantine verify" names it.
  objects/         the stored copies, named <sha256>.exq. They are inert on purpose: compressed and
                   encrypted with a key kept in the file's own header (not secret), so no antivirus
                   recognises them and nothing can serve or run them. They are not usable as-is.
  tmp/             copies being written; an interrupted run's leftovers are removed by the next.
  lock             held while exsweep works on this store.

Commands:
  exsweep quarantine list                  what is stored
  exsweep quarantine show ID               one file's record
  exsweep quarantine verify                check the manifest chain and re-hash every stored copy
  exsweep quarantine restore ID            write the file back where it was, bit-exact, with its times
  exsweep quarantine restore ID --to PATH  write it somewhere else (for analysis)

Restoring never overwrites an existing file, and the stored copy stays here.
Object format (for other tools): 120-byte header "EXSWEEPQ", version u16, header length u16,
flags u32, original size u64, body size u64, SHA-256 of the original [32], AES-256 key [32],
CTR counter block [16], reserved u32, CRC-32 of the header u32 (little-endian); then the
original, deflate-compressed, AES-256-CTR encrypted.
`
