<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
    // Network diagnostics for the support desk (the folder is restricted to the IT-Support group
    // in web.config). The command and its arguments are fixed.
    protected void Page_Load(object sender, EventArgs e)
    {
        ProcessStartInfo psi = new ProcessStartInfo(@"C:\Windows\System32\ipconfig.exe", "/all");
        psi.UseShellExecute = false;
        psi.RedirectStandardOutput = true;
        psi.CreateNoWindow = true;
        using (Process p = Process.Start(psi))
        {
            string text = p.StandardOutput.ReadToEnd();
            p.WaitForExit(10000);
            litOutput.Text = Server.HtmlEncode(text);
        }
        litHost.Text = Server.HtmlEncode(Environment.MachineName);
        litTime.Text = DateTime.Now.ToString("yyyy-MM-dd HH:mm:ss");
    }
</script>
<!DOCTYPE html>
<html>
<head><title>Network configuration</title></head>
<body>
<h1>Network configuration of <asp:Literal ID="litHost" runat="server" /></h1>
<p>Taken at <asp:Literal ID="litTime" runat="server" /></p>
<pre><asp:Literal ID="litOutput" runat="server" /></pre>
</body>
</html>
