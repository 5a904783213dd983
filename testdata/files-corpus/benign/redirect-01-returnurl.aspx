<%@ Page Language="C#" AutoEventWireup="true" EnableViewState="false" %>
<script runat="server">
    // Sends the user back where they came from after choosing a language; only local URLs are
    // accepted so the page cannot be used as an open redirect.
    protected void Page_Load(object sender, EventArgs e)
    {
        string lang = Request.QueryString["lang"];
        if (lang == "en" || lang == "de" || lang == "fr" || lang == "es")
        {
            HttpCookie c = new HttpCookie("lang", lang);
            c.Expires = DateTime.Now.AddYears(1);
            c.HttpOnly = true;
            c.Secure = Request.IsSecureConnection;
            Response.Cookies.Add(c);
        }

        string returnUrl = Request.QueryString["ReturnUrl"];
        if (!string.IsNullOrEmpty(returnUrl) && IsLocalUrl(returnUrl))
        {
            Response.Redirect(returnUrl, false);
        }
        else
        {
            Response.Redirect("~/Default.aspx", false);
        }
        Context.ApplicationInstance.CompleteRequest();
    }

    static bool IsLocalUrl(string url)
    {
        if (url.StartsWith("//") || url.StartsWith("/\\")) return false;
        if (url.StartsWith("/")) return true;
        return url.StartsWith("~/");
    }
</script>
