<%@ Page Language="JScript" %>
<script language="JScript" runat="server">function Page_Load(){var n = Request.Item["name"]; lbl.Text = (n == null) ? "Hello." : "Hello, " + Server.HtmlEncode(n) + ".";}</script>
<html><body><asp:Label ID="lbl" runat="server" /></body></html>
