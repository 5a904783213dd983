// Package pageflow answers one question about the text of an ASP.NET or classic ASP page
// (.aspx .ashx .asmx .asp; C#, VB.NET, JScript, VBScript): does data from the HTTP request reach
// a dangerous sink (eval, assembly loading, process start, file write)?
//
// Why: the signature rules that hunt web shells on Exchange servers' disks match spellings
// (eval(Request, Process.Start). Shells that move request data through a variable, a server
// control, a WebMethod parameter or a decoding helper before the sink slip past them, while
// legitimate pages that start a fixed command or load a fixed assembly trip them. A taint check
// separates the two on the question that matters, and its answer is explainable: the sink kind,
// its line and the line's text.
//
// How: the page is cut into server-code regions (<% %>, <script runat="server">, the body of an
// .ashx/.asmx after its directive, or a whole code file); HTML comments are not removed, since
// they do not stop server code, but client-side <script> blocks and <%-- --%> are skipped.
// Each region is tokenised in its language family (C-like or VB-like; comments dropped, strings
// kept as tokens, C# unicode escapes in identifiers decoded, identifiers compared
// case-insensitively) and split into statements. A name assigned from an expression that
// mentions request data, or a tainted name, becomes tainted; so do foreach variables, buffers
// filled by Stream.CopyTo/Read, parameters of [WebMethod]s and parameters of the page's own
// methods called with tainted arguments. Every call is assumed to return tainted data when an
// argument is tainted, which covers decoders (Convert.FromBase64String, Encoding.GetString,
// decryptors) without listing them. The page is re-read until nothing new is learnt (at most
// maxPasses times). A sink is reached when its argument list, or the right-hand side of a
// property sink (psi.Arguments = ...), mentions request data.
//
// Limits, by design: this is a lexical analysis, not a compiler. Scopes are ignored (a name
// tainted anywhere is tainted everywhere), as are control flow, overloads, aliasing through
// collections and object fields other than the assignment's root, and code outside the page
// (code-behind classes, included files, controls declared in designer files). Names are
// resolved by spelling, so reflection with computed names, fully encoded or encrypted pages
// and sinks reached through strings built at run time are left to other rules. Results err on
// the side of silence for benign pages: a source that is only compared or measured, or
// converted to a number or date, does not taint.
//
// Work is linear in the page size (every search remembers its last answer, every walk along a
// member chain is bounded) and memory is bounded by caps on tracked names, methods and
// statement length, whatever the input: binary data, megabyte lines or deeply nested brackets.
package pageflow
