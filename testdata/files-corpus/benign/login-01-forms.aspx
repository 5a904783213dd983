<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.Web.Security" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        if (User.Identity.IsAuthenticated && !IsPostBack)
        {
            Response.Redirect(FormsAuthentication.DefaultUrl, true);
        }
    }

    protected void btnLogin_Click(object sender, EventArgs e)
    {
        if (!Page.IsValid) return;
        if (Membership.ValidateUser(txtUser.Text.Trim(), txtPassword.Text))
        {
            FormsAuthentication.RedirectFromLoginPage(txtUser.Text.Trim(), chkRemember.Checked);
        }
        else
        {
            lblError.Text = "The user name or password is incorrect.";
            lblError.Visible = true;
        }
    }
</script>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml">
<head runat="server">
    <title>Sign in - Contoso Helpdesk</title>
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <link href="Content/site.css" rel="stylesheet" type="text/css" />
    <script type="text/javascript">
        function validateLogin() {
            var u = document.getElementById('<%= txtUser.ClientID %>');
            var p = document.getElementById('<%= txtPassword.ClientID %>');
            var msg = document.getElementById('clientError');
            msg.innerHTML = '';
            if (u.value.replace(/\s/g, '').length === 0) { msg.innerHTML = 'Please enter your user name.'; u.focus(); return false; }
            if (p.value.length < 8) { msg.innerHTML = 'Passwords are at least 8 characters long.'; p.focus(); return false; }
            return true;
        }
    </script>
</head>
<body>
    <form id="loginForm" runat="server" defaultbutton="btnLogin" defaultfocus="txtUser">
        <div class="login-box">
            <h2>Contoso Helpdesk</h2>
            <div id="clientError" class="error"></div>
            <asp:Label ID="lblError" runat="server" CssClass="error" Visible="false" EnableViewState="false" />
            <asp:Label ID="lblUser" runat="server" AssociatedControlID="txtUser" Text="User name" />
            <asp:TextBox ID="txtUser" runat="server" MaxLength="64" autocomplete="username" />
            <asp:RequiredFieldValidator ID="rfvUser" runat="server" ControlToValidate="txtUser" ErrorMessage="User name is required." Display="Dynamic" CssClass="error" />
            <asp:Label ID="lblPassword" runat="server" AssociatedControlID="txtPassword" Text="Password" />
            <asp:TextBox ID="txtPassword" runat="server" TextMode="Password" autocomplete="current-password" />
            <asp:RequiredFieldValidator ID="rfvPassword" runat="server" ControlToValidate="txtPassword" ErrorMessage="Password is required." Display="Dynamic" CssClass="error" />
            <asp:CheckBox ID="chkRemember" runat="server" Text="Keep me signed in" />
            <asp:Button ID="btnLogin" runat="server" Text="Sign in" OnClick="btnLogin_Click" OnClientClick="return validateLogin();" />
            <p><a href="ForgotPassword.aspx">Forgot your password?</a></p>
        </div>
    </form>
</body>
</html>
