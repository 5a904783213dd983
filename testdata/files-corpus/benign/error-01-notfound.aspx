<%@ Page Language="C#" AutoEventWireup="true" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        Response.StatusCode = 404;
        Response.TrySkipIisCustomErrors = true;
        string path = Request.QueryString["aspxerrorpath"];
        litPath.Text = string.IsNullOrEmpty(path) ? "" : "<code>" + Server.HtmlEncode(path) + "</code>";
    }
</script>
<!DOCTYPE html>
<html>
<head><title>Page not found</title>
<style>body{font-family:"Segoe UI",Arial,sans-serif;padding:40px;color:#333}code{background:#f4f4f4;padding:1px 4px}</style>
</head>
<body>
<h1>Page not found</h1>
<p>The page <asp:Literal ID="litPath" runat="server" /> does not exist or has moved.</p>
<p><a href="/">Start page</a> &middot; <a href="/Help/Index.aspx">Help</a></p>
</body>
</html>
