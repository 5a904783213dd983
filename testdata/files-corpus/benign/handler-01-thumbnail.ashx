<%@ WebHandler Language="C#" Class="Thumbnail" %>

using System;
using System.Drawing;
using System.Drawing.Drawing2D;
using System.Drawing.Imaging;
using System.IO;
using System.Web;

public class Thumbnail : IHttpHandler
{
    const string PhotoRoot = @"D:\Sites\Intranet\App_Data\Photos";

    public bool IsReusable { get { return true; } }

    public void ProcessRequest(HttpContext context)
    {
        string id = context.Request.QueryString["id"] ?? "";
        int size;
        if (!int.TryParse(context.Request.QueryString["w"], out size) || size < 16 || size > 400) size = 96;

        // Only plain file names from the photo folder; no paths.
        string name = Path.GetFileName(id);
        string file = Path.Combine(PhotoRoot, name + ".jpg");
        if (name.Length == 0 || !File.Exists(file))
        {
            context.Response.StatusCode = 404;
            return;
        }

        using (Image src = Image.FromFile(file))
        using (Bitmap dst = new Bitmap(size, size * src.Height / src.Width))
        using (Graphics g = Graphics.FromImage(dst))
        {
            g.InterpolationMode = InterpolationMode.HighQualityBicubic;
            g.DrawImage(src, 0, 0, dst.Width, dst.Height);
            context.Response.ContentType = "image/jpeg";
            context.Response.Cache.SetCacheability(HttpCacheability.Public);
            context.Response.Cache.SetExpires(DateTime.Now.AddDays(7));
            dst.Save(context.Response.OutputStream, ImageFormat.Jpeg);
        }
    }
}
