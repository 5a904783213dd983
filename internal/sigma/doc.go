// Package sigma loads Sigma rules (the public detection-rule format, sigma-specification on
// GitHub) and evaluates them over single records: Windows events (winevent.Event, from EVTX or
// exported JSON) through EventRecord, and IIS W3C rows through WebRecord.
//
// Reading. A file is cut into YAML documents at its "---" / "..." markers and each document is
// parsed on its own, so a YAML error costs one document. sigma-go (github.com/bradleyjkemp/
// sigma-go) decodes each document: metadata, log source and the structure of every search
// (keyword list or field maps, field names and modifiers, typed values). sigma.ParseRule itself
// is not used because it reads only a file's first document. Two parts are our own: the
// condition parser (sigma-go's rejects valid conditions such as upper-case operators, "any of",
// "1 of sel1_*" or names with '-', and recurses without limit on nested parentheses) and the
// spelling of numbers (sigma-go turns 0x10 into 16; the raw YAML text is kept beside it).
// Legacy Sigma 1 collections (action: global / repeat / reset) are merged before decoding.
//
// Matching. The matcher is our own, because sigma-go's evaluator lacks keyword searches, the
// windash modifier and null values, and because the hunt needs exact, bounded behaviour on
// hostile input. Strings compare case-insensitively unless |cased; a non-ASCII letter never
// folds to an ASCII one (the Kelvin sign is not k), which keeps Literals sound. Wildcards are *
// and ?, escaped as \* \? \\. Every modifier of the Sigma 2 appendix is implemented except
// expand (placeholders need a conversion pipeline's values); windash dashes stay single pattern
// tokens instead of 5^n expanded strings; base64offset gives its three alternatives; a YAML
// number matches its spelling and its decimal value; null is "absent or empty"; regexes run on
// Go's RE2 (linear time), so lookaround and backreferences make a rule unusable.
//
// Unusable rules. Every document becomes a Rule or an Unusable entry with path, line, title and
// reason: YAML errors, unknown modifiers, regexes RE2 cannot run, aggregations (count, near,
// timeframe), correlation and filter documents, log sources no exsweep input carries, rules
// with status deprecated or unsupported (withdrawn or replaced by their authors: evaluating them
// would report what the authors disowned, or report it twice), and anything over the bounds
// below. One bad rule never affects another.
//
// Bounds. A rule file is capped at MaxFileSize and MaxDocuments, a load at MaxRules; a rule at
// 20,000 values (after expansions) of 8 KiB each, 1,000 searches, 1,024 runes in a value part
// holding ? or windash dashes, conditions of 8 KiB nested 64 deep; YAML aliases are counted as
// expanded before sigma-go decodes them; regexes are limited to 64 KiB of source and 20,000
// compiled instructions. Matching is linear in the value for plain patterns and bounded by
// value length times pattern part length otherwise.
//
// Loaded rules are immutable: Match, ForEvent, ForWeb and Literals may be called from many
// goroutines at once, and records from EventRecord and WebRecord are read-only after they are
// built.
package sigma
