<%@ Page Language="C#" AutoEventWireup="true" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
    static readonly string[] Allowed = { ".png", ".jpg", ".jpeg" };

    protected void btnUpload_Click(object sender, EventArgs e)
    {
        if (!fuAvatar.HasFile) { lblResult.Text = "Choose a picture first."; return; }
        string ext = Path.GetExtension(fuAvatar.FileName).ToLowerInvariant();
        if (Array.IndexOf(Allowed, ext) < 0) { lblResult.Text = "Only PNG and JPEG pictures are allowed."; return; }
        if (fuAvatar.PostedFile.ContentLength > 512 * 1024) { lblResult.Text = "The picture must be smaller than 512 KB."; return; }

        // Saved under a name the server chooses, in a folder that is not served by IIS.
        string name = Guid.NewGuid().ToString("N") + ext;
        fuAvatar.SaveAs(Path.Combine(Server.MapPath("~/App_Data/Avatars"), name));
        Profile.SetPropertyValue("Avatar", name);
        lblResult.Text = "Your picture was updated.";
    }
</script>
<!DOCTYPE html>
<html>
<head runat="server"><title>Profile picture</title></head>
<body>
<form id="form1" runat="server" enctype="multipart/form-data">
    <asp:FileUpload ID="fuAvatar" runat="server" accept=".png,.jpg,.jpeg" />
    <asp:Button ID="btnUpload" runat="server" Text="Upload" OnClick="btnUpload_Click" />
    <asp:Label ID="lblResult" runat="server" EnableViewState="false" />
</form>
</body>
</html>
