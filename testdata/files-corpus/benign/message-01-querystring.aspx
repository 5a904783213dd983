<%@ Page Language="C#" AutoEventWireup="true" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        string msg = Request.QueryString["msg"];
        string kind = Request.QueryString["kind"] == "error" ? "error" : "info";
        pnlMessage.CssClass = "message " + kind;
        litMessage.Text = string.IsNullOrEmpty(msg)
            ? "Your request has been received."
            : HttpUtility.HtmlEncode(msg.Length > 200 ? msg.Substring(0, 200) : msg);
    }
</script>
<!DOCTYPE html>
<html>
<head runat="server"><title>Message</title><link rel="stylesheet" href="Content/site.css" /></head>
<body>
<form id="form1" runat="server">
    <asp:Panel ID="pnlMessage" runat="server"><asp:Literal ID="litMessage" runat="server" Mode="PassThrough" /></asp:Panel>
    <p><a href="Default.aspx">Back to the start page</a></p>
</form>
</body>
</html>
