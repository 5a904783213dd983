<%@ Page Language="JScript" %>
<%@ Import Namespace="System.Net.Mail" %>
<script runat="server">
function Page_Load(sender : Object, e : EventArgs) {
    if (!IsPostBack) {
        var topic = Request.QueryString["topic"];
        if (topic != null) {
            lblTopic.Text = Server.HtmlEncode(topic);
        }
    }
}

function btnSend_Click(sender : Object, e : EventArgs) {
    var body : String = Request.Form["txtBody"];
    if (body == null || body.length == 0) {
        lblResult.Text = "Please write something first.";
        return;
    }
    var m : MailMessage = new MailMessage("intranet@contoso.com", "feedback@contoso.com");
    m.Subject = "Intranet feedback: " + lblTopic.Text;
    m.Body = body.substring(0, Math.min(body.length, 4000));
    var smtp : SmtpClient = new SmtpClient("smtp.corp.contoso.com");
    smtp.Send(m);
    lblResult.Text = "Thank you, your feedback was sent.";
}
</script>
<html>
<head><title>Feedback</title></head>
<body>
<form runat="server">
<p>Topic: <asp:Label ID="lblTopic" runat="server" Text="general" /></p>
<textarea name="txtBody" rows="6" cols="70"></textarea><br />
<asp:Button ID="btnSend" runat="server" Text="Send" OnClick="btnSend_Click" />
<asp:Label ID="lblResult" runat="server" />
</form>
</body>
</html>
