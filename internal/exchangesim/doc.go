// Package exchangesim emulates Microsoft Exchange servers, and the things that look like them, on
// loopback addresses.
//
// It exists so that exsweep scan can be tested and benchmarked without a lab of real servers: a
// test starts a fleet of simulated hosts (an Exchange 2016 front end at a given build, one behind
// a load balancer, Exchange Online, a plain IIS site, a WAF block page, a phishing look-alike,
// hosts that misbehave on purpose) and checks what the scanner concludes about each of them
// against the profile it started them with. The same fleet serves demos and training through
// "exsweep lab".
//
// The answers follow the project's reference facts (docs: the scan spec): which headers, pages and
// status codes an Exchange build sends, how Microsoft's URL Rewrite mitigations abort requests,
// and how the two safe SSRF checks behave on a vulnerable and on a fixed build. Whether a build
// fails a safe check is decided by the build catalog, so the emulator and the scanner share one
// source of truth and a test compares behaviour, not two copies of a table.
//
// The server is a small HTTP/1.1 implementation over raw connections rather than net/http:
// the hostile modes need byte-level control (malformed status lines, resets mid-response, random
// bytes instead of TLS) that a conforming server cannot produce.
//
// Only loopback addresses (127.0.0.0/8 and ::1) are ever bound: the emulator advertises
// vulnerable builds and must never be reachable from a network.
package exchangesim
