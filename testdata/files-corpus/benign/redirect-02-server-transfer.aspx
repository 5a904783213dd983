<%@ Page Language="C#" AutoEventWireup="true" %>
<script runat="server">
    protected void Page_Load(object sender, EventArgs e)
    {
        // Old links used Help.aspx?topic=...; the help moved to separate pages.
        switch ((Request.QueryString["topic"] ?? string.Empty).ToLowerInvariant())
        {
            case "password":
                Server.Transfer("~/Help/Password.aspx", true);
                break;
            case "mobile":
                Server.Transfer("~/Help/MobileDevices.aspx", true);
                break;
            case "vpn":
                Response.RedirectPermanent("~/Help/RemoteAccess.aspx");
                break;
            default:
                Server.Transfer("~/Help/Index.aspx", false);
                break;
        }
    }
</script>
