<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        Assembly site = Assembly.LoadFrom(Server.MapPath("~/bin/Contoso.Intranet.dll"));
        AssemblyName n = site.GetName();
        litVersion.Text = n.Version.ToString();
        var info = (AssemblyInformationalVersionAttribute)Attribute.GetCustomAttribute(site, typeof(AssemblyInformationalVersionAttribute));
        litBuild.Text = info != null ? Server.HtmlEncode(info.InformationalVersion) : "-";
        litRuntime.Text = Environment.Version.ToString();
        litBuilt.Text = System.IO.File.GetLastWriteTime(site.Location).ToString("yyyy-MM-dd HH:mm");
    }
</script>
<!DOCTYPE html>
<html>
<head><title>About</title></head>
<body>
<h1>About the intranet</h1>
<table>
<tr><th>Version</th><td><asp:Literal ID="litVersion" runat="server" /></td></tr>
<tr><th>Build</th><td><asp:Literal ID="litBuild" runat="server" /></td></tr>
<tr><th>Built</th><td><asp:Literal ID="litBuilt" runat="server" /></td></tr>
<tr><th>.NET runtime</th><td><asp:Literal ID="litRuntime" runat="server" /></td></tr>
</table>
</body>
</html>
